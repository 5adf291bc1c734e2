"""``/demo/...``: mounted always; each view answers 404 unless ``DEMO_MODE`` is on."""

from django.urls import path

from saleor_mautomation.demo import views

urlpatterns = [
    path("sign-in", views.sign_in, name="demo-sign-in"),
    path("mail/", views.mail_list, name="demo-mail"),
    path("mail/<int:mail_id>/", views.mail_detail, name="demo-mail-detail"),
    path("mail/<int:mail_id>/html", views.mail_html, name="demo-mail-html"),
    path("mail/<int:mail_id>/raw", views.mail_raw, name="demo-mail-raw"),
]
