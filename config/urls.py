from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from core import errors

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("akun/", include("allauth.urls")),
    path("", include("core.urls")),
    path("dana/", include("funds.urls")),
    path("donatur/", include("donors.urls")),
    path("rumah-tangga/", include("beneficiaries.urls")),
    path("bantuan/", include("disbursements.urls")),
    path("transparansi/", include("transparency.urls")),
]

handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

# Uploaded files (proofs, photos, logos) are never served as /media/: each app
# serves its documents through a view that checks the reader's rights.
