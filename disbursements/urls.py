app_name = "disbursements"
urlpatterns: list = []
