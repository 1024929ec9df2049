"""One builder per table kind; each turns grid rows into that kind's schema dict."""
