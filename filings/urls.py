"""URLs of the filings app."""

from django.urls import path

from . import views

app_name = "filings"

urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("documents/", views.documents, name="documents"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("documents/<int:pk>/details/", views.document_details, name="document_details"),
    path("documents/<int:pk>/department/", views.document_department, name="document_department"),
]
