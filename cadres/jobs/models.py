"""Background jobs as the user sees them: what was started, how far it got, and its result."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class Job(models.Model):
    """One piece of long work a user started (a roster check, an import, a large export).

    The task queue (django-tasks' database backend) only knows "run job_run(job_id)"; this row
    carries what the page shows: status, progress, the result or the error in Chinese, and the
    file the job produced. `kind` names an entry of `cadres.jobs.kinds.KINDS`, so a module
    adds a kind of job without a migration here.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", "等待中"
        RUNNING = "running", "运行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("类型", max_length=40)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.CASCADE,
        related_name="jobs", null=True, blank=True,
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.WAITING)
    # Progress as last stored in the row; while a job runs, the live figures are in a small
    # file beside it (cadres.jobs.services.job_progress explains why).
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    stage = models.CharField("阶段", max_length=100, blank=True)
    parameters = models.JSONField("参数", default=dict, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    file_path = models.CharField("文件", max_length=300, blank=True)
    file_name = models.CharField("文件名", max_length=200, blank=True)
    task_id = models.CharField("队列任务", max_length=64, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["owner", "-id"], name="jobs_job_owner_idx"),
            models.Index(fields=["status", "kind"], name="jobs_job_status_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("jobs:job_detail", args=[self.pk])

    @property
    def kind_label(self) -> str:
        from cadres.jobs.kinds import label_for

        return label_for(self.kind)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
