from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("oversight/problems", views.ProblemViewSet, basename="oversight-problem")
router.register("oversight/assessments", views.RevisionViewSet, basename="oversight-revision")

urlpatterns = router.urls
