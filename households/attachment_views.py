"""The scans of an application: added from its page, read only through this scoped view."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from nongzhuancheng.scoping import APPLICATION, APPLICATION_MOVE, ScopedSelectorsMixin, may_see

from . import attachments, selectors
from .attachment_models import Attachment
from .models import TransferApplication


class AttachmentAddView(ScopedSelectorsMixin, View):
    """POST a scan (kind + file) to an application of the user's scope."""

    required_action = APPLICATION_MOVE

    def post(self, request, pk):
        try:
            app = selectors.application_get(user=request.user, pk=pk)
        except TransferApplication.DoesNotExist:
            raise Http404 from None
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择要上传的扫描件。"))
        else:
            try:
                attachments.attachment_add(application=app, kind=request.POST.get("kind", ""), upload=upload,
                                           actor=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("扫描件已上传。"))
        return redirect("households:application_detail", pk=pk)


class AttachmentFileView(ScopedSelectorsMixin, View):
    """One scan, for a user whose scope holds its application and who may see its documents (404
    otherwise: a member unit sees no scan, ``scoping.visible_fields``); never cached."""

    def get(self, request, pk):
        if not may_see(request.user, APPLICATION, "documents"):
            raise Http404
        try:
            attachment = Attachment.objects.for_user(request.user).get(pk=pk)
        except Attachment.DoesNotExist:
            raise Http404 from None
        attachments.log_access("attachment.view", request.user, attachment, request=request)
        extension = attachment.file.name.rsplit(".", 1)[-1]
        response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                                filename=f"{attachment.application.number}-{attachment.kind}.{extension}")
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
