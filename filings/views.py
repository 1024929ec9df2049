"""Pages for clerks: upload, the live list of their documents, a document and its download.

A document's page also carries the forms that give the facts a parse could not read and
correct a department read wrongly.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.htmx import HtmxHttpRequest

from . import selectors
from .forms import DepartmentCorrectionForm, DocumentDetailsForm, UploadForm
from .models import Document
from .selectors import documents_for_user
from .services import FactsRefused, document_give_details, document_upload, filing_correct_department
from .uploads import RequestBudget, candidates_from_upload, human_size


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    if request.user.has_perm("filings.review_filing") or request.user.is_superuser:
        return redirect("review:dashboard")
    if request.user.has_perm("filings.upload_document"):
        return redirect("filings:upload")
    return redirect("filings:documents")


@require_http_methods(["GET", "POST"])
@permission_required("filings.upload_document", raise_exception=True)
def upload(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "POST" and _body_too_large(request):
        # Refused whole before anything is unzipped, checked or stored (the TLS proxy of
        # docker-compose.yml refuses such a body before it even reaches us).
        limit = human_size(settings.UPLOAD_MAX_REQUEST_BYTES)
        messages.error(request, f"本次上传的总大小超过上限 {limit}，未保存任何文件，请分批上传。")
        if request.headers.get("X-Upload-Progress"):
            return JsonResponse({"redirect": reverse("filings:upload")})
        return redirect("filings:upload")
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        budget = RequestBudget.from_settings()
        for uploaded in form.cleaned_data["files"]:
            for candidate in candidates_from_upload(uploaded.name, uploaded, uploaded.size, budget):
                outcome = document_upload(candidate=candidate, uploaded_by=request.user)
                _report(request, outcome)
        if request.headers.get("X-Upload-Progress"):
            # The page's script sent the files with a progress bar; it navigates itself, so
            # the messages are left for that next page instead of this response.
            return JsonResponse({"redirect": reverse("filings:upload")})
        return redirect("filings:upload")
    max_mb = settings.UPLOAD_MAX_FILE_BYTES // (1024 * 1024)
    return render(request, "filings/upload.html", _list_context(request) | {"form": form, "max_mb": max_mb})


def _body_too_large(request: HtmxHttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False  # Django answers a malformed length itself
    # The multipart framing adds a little to the files; a zip is checked again once unzipped.
    return length > settings.UPLOAD_MAX_REQUEST_BYTES + 64 * 1024


def _report(request: HtmxHttpRequest, outcome) -> None:  # type: ignore[no-untyped-def]
    if outcome.error:
        messages.error(request, format_html("{}：{}", outcome.filename, outcome.error))
    elif outcome.created:
        # static/js/upload.js keeps this message level with the document's row in the list.
        messages.success(
            request,
            format_html(
                '<span class="upload-outcome" data-document="{}">{}：已上传，正在排队解析。</span>',
                outcome.document.pk,
                outcome.filename,
            ),
        )
    elif not Document.objects.visible_to(request.user).filter(pk=outcome.document.pk).exists():
        # Someone else's file: its name and page are theirs (the link would 404 for this user).
        messages.info(request, format_html("{}：相同内容的文件已经上传过，未重复保存。", outcome.filename))
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


def _list_context(request: HtmxHttpRequest) -> dict[str, object]:
    documents = list(documents_for_user(user=request.user))
    return {
        "documents": documents,
        "any_pending": any(d.is_pending for d in documents),
        "can_open_filings": selectors.filings_openable_by(user=request.user),
    }


@require_GET
def documents(request: HtmxHttpRequest) -> HttpResponse:
    """The document list; htmx polls its table fragment while anything is still being parsed."""
    if not (
        request.user.has_perm("filings.upload_document") or request.user.has_perm("filings.view_document")
    ):
        raise Http404
    template = "filings/_document_list.html" if request.htmx else "filings/documents.html"
    return render(request, template, _list_context(request))


def _visible_document(request: HtmxHttpRequest, pk: int) -> Document:
    return get_object_or_404(
        Document.objects.visible_to(request.user).select_related("uploaded_by", "filing__department"), pk=pk
    )


def _render_detail(
    request: HtmxHttpRequest,
    document: Document,
    details_form: DocumentDetailsForm | None = None,
    correction_form: DepartmentCorrectionForm | None = None,
) -> HttpResponse:
    context: dict[str, object] = {
        "document": document,
        "can_open_filing": selectors.filings_openable_by(user=request.user),
    }
    if document.filing is not None:
        context["finding_count"] = selectors.filing_finding_count(filing=document.filing)
    if selectors.document_facts_editable_by(user=request.user, document=document):
        if missing := selectors.document_missing_facts(document=document):
            context["details_form"] = details_form or DocumentDetailsForm(missing=missing)
            context["read_facts"] = selectors.document_read_facts(document=document)
        filing = document.filing
        if filing is not None and document.status == Document.Status.PARSED:
            context["signed_off"] = filing.is_read_only
            context["filing_documents"] = filing.documents.count()
            if not filing.is_read_only:
                context["correction_form"] = correction_form or DepartmentCorrectionForm(
                    current=filing.department.name
                )
        if "details_form" in context or "correction_form" in context:
            context["department_names"] = selectors.department_names()
    return render(request, "filings/document_detail.html", context)


def _editable_document(request: HtmxHttpRequest, pk: int) -> Document:
    """A document the user may give facts for: 404 if they cannot see it, 403 if they only see it."""
    document = _visible_document(request, pk)
    if not selectors.document_facts_editable_by(user=request.user, document=document):
        raise PermissionDenied("只有上传人或管理员可以修改该文档的信息。")
    return document


@require_GET
def document_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _visible_document(request, pk))


@require_POST
def document_details(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The missing department, year or stage given by hand: the filing forms as a parse would."""
    document = _editable_document(request, pk)
    # With nothing missing the form is empty and the service says why it cannot be used.
    form = DocumentDetailsForm(request.POST, missing=selectors.document_missing_facts(document=document))
    if not form.is_valid():
        return _render_detail(request, document, details_form=form)
    try:
        document = document_give_details(document=document, user=request.user, **form.cleaned_data)
    except FactsRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, format_html("已补充信息，文档已归入预算文件“{}”。", document.filing))
    return redirect("filings:document", pk=pk)


@require_POST
def document_department(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A department read wrongly, corrected: the document's filing moves to the right one."""
    document = _editable_document(request, pk)
    filing = document.filing
    if filing is None or document.status != Document.Status.PARSED:
        messages.error(request, "该文档还没有归入预算文件，无法更正部门。")
        return redirect("filings:document", pk=pk)
    form = DepartmentCorrectionForm(request.POST, current=filing.department.name)
    if not form.is_valid():
        return _render_detail(request, document, correction_form=form)
    try:
        filing = filing_correct_department(
            filing=filing, department=form.cleaned_data["department"], user=request.user
        )
    except FactsRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, format_html("部门已更正，预算文件现为“{}”。", filing))
    return redirect("filings:document", pk=pk)


@require_GET
def document_download(request: HtmxHttpRequest, pk: int) -> FileResponse:
    document = _visible_document(request, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在") from exc
    return FileResponse(
        handle, as_attachment=True, filename=document.original_filename, content_type="application/pdf"
    )
