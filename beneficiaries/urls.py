app_name = "beneficiaries"
urlpatterns: list = []
