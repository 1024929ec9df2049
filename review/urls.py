"""URLs of the review workspace."""

from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("filings/", views.dashboard, name="dashboard"),
    path("filings/<int:pk>/", views.filing_detail, name="filing"),
    path("filings/<int:pk>/source/<int:table_id>/<int:row>/", views.source, name="source"),
    path("filings/<int:pk>/unread/<int:document_id>/<int:index>/", views.unread_source, name="unread_source"),
    path("filings/<int:pk>/narrative/<int:finding_id>/", views.narrative_source, name="narrative_source"),
    path("filings/<int:pk>/findings/<int:finding_id>/crop.png", views.finding_crop, name="finding_crop"),
    path("filings/<int:pk>/findings/decide/", views.decide_bulk, name="decide_bulk"),
    path("filings/<int:pk>/pages/<int:document_id>/<int:page>/", views.document_page, name="document_page"),
    path("filings/<int:pk>/pages/<int:document_id>/<int:page>.png", views.page_png, name="page_image"),
    path("filings/<int:pk>/start/", views.start_review, name="start_review"),
    path("filings/<int:pk>/flags/", views.flag_row, name="flag_row"),
    path("filings/<int:pk>/<str:kind>/<int:item_id>/decide/", views.decide_item, name="decide"),
    path("filings/<int:pk>/comments/", views.comment, name="comment"),
    path("filings/<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("filings/<int:pk>/report.xlsx", views.report, name="report"),
    path("filings/<int:pk>/doubtful/", views.doubtful, name="doubtful"),
    path("filings/<int:pk>/ocr/<int:cell_id>/crop.png", views.ocr_crop, name="ocr_crop"),
    path("filings/<int:pk>/ocr/<int:cell_id>/<str:action>/", views.ocr_decide, name="ocr_decide"),
]
