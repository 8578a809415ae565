"""The officers' pages of the selection procedure, under /cases/; each part keeps its own
patterns (the public 任前公示 pages are `public_urls`, mounted at /gongshi/)."""

from cadres.cases import case_urls, competition_urls, publicity_urls, rules_urls

app_name = "cases"

urlpatterns = [
    *case_urls.urlpatterns,
    *publicity_urls.urlpatterns,
    *competition_urls.urlpatterns,
    *rules_urls.urlpatterns,
]
