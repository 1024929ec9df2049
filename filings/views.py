"""Pages for clerks: upload, the live list of their documents, a document and its download."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from .forms import UploadForm
from .models import Document
from .selectors import documents_for_user
from .services import document_upload
from .uploads import candidates_from_upload


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.has_perm("filings.review_filing") or request.user.is_superuser:
        return redirect("review:dashboard")
    if request.user.has_perm("filings.upload_document"):
        return redirect("filings:upload")
    return redirect("filings:documents")


@require_http_methods(["GET", "POST"])
@permission_required("filings.upload_document", raise_exception=True)
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        for uploaded in form.cleaned_data["files"]:
            for candidate in candidates_from_upload(uploaded.name, uploaded, uploaded.size):
                outcome = document_upload(candidate=candidate, uploaded_by=request.user)
                _report(request, outcome)
        if request.headers.get("X-Upload-Progress"):
            # The page's script sent the files with a progress bar; it navigates itself, so
            # the messages are left for that next page instead of this response.
            return JsonResponse({"redirect": reverse("filings:upload")})
        return redirect("filings:upload")
    max_mb = settings.UPLOAD_MAX_FILE_BYTES // (1024 * 1024)
    return render(request, "filings/upload.html", _list_context(request) | {"form": form, "max_mb": max_mb})


def _report(request: HttpRequest, outcome) -> None:  # type: ignore[no-untyped-def]
    if outcome.error:
        messages.error(request, format_html("{}：{}", outcome.filename, outcome.error))
    elif outcome.created:
        messages.success(request, format_html("{}：已上传，正在排队解析。", outcome.filename))
    else:
        url = reverse("filings:document", args=[outcome.document.pk])
        messages.info(
            request,
            format_html(
                '{}：相同内容的文件已经上传过，未重复保存。<a href="{}">查看“{}”</a>',
                outcome.filename,
                url,
                outcome.document.original_filename,
            ),
        )


def _list_context(request: HttpRequest) -> dict[str, object]:
    documents = list(documents_for_user(user=request.user))
    return {"documents": documents, "any_pending": any(d.is_pending for d in documents)}


@require_GET
def documents(request: HttpRequest) -> HttpResponse:
    """The document list; htmx polls its table fragment while anything is still being parsed."""
    if not (
        request.user.has_perm("filings.upload_document") or request.user.has_perm("filings.view_document")
    ):
        raise Http404
    template = "filings/_document_list.html" if request.htmx else "filings/documents.html"
    return render(request, template, _list_context(request))


def _visible_document(request: HttpRequest, pk: int) -> Document:
    return get_object_or_404(Document.objects.visible_to(request.user).select_related("uploaded_by"), pk=pk)


@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "filings/document_detail.html", {"document": _visible_document(request, pk)})


@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = _visible_document(request, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在") from exc
    return FileResponse(
        handle, as_attachment=True, filename=document.original_filename, content_type="application/pdf"
    )
