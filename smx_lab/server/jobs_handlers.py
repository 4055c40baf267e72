"""The routes of the SageMaker job behind a trial component: its settings and rules, its logs, and
the two actions (stop it; deploy a training job's model), plus the endpoint a deployment creates.

Thin, as every handler: input checked against the OpenAPI document, the store's
:class:`smx_lab.jobs.Jobs` called off the event loop. A store without jobs answers 404
``not_offered`` on every one of them (:func:`smx_lab.jobs.jobs_of`).
"""

from __future__ import annotations

import tornado
from jupyter_server.auth.decorator import authorized

from ..errors import ValidationError
from ..jobs import DEFAULT_LOG_EVENTS, MAX_LOG_EVENTS, DeployRequest, jobs_of
from .base import SmxLabHandler


class JobHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.query_arguments()
        jobs = jobs_of(self.store)
        await self.reply(await self.run(jobs.job, name))


class JobLogsHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        arguments = self.query_arguments()
        limit = arguments.get("limit", DEFAULT_LOG_EVENTS)
        if limit > MAX_LOG_EVENTS:
            raise ValidationError("limit", f"must be at most {MAX_LOG_EVENTS}", value=limit)
        jobs = jobs_of(self.store)
        page = await self.run(
            jobs.logs,
            name,
            stream=arguments.get("stream"),
            cursor=arguments.get("cursor"),
            limit=limit,
        )
        await self.reply(page)


class StopJobHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        body = await self.json_body()
        jobs = jobs_of(self.store)
        await self.reply(await self.run(jobs.stop, body["component"], body["job_name"]))


class DeployModelHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        body = await self.json_body()
        request = DeployRequest.from_json(body)
        jobs = jobs_of(self.store)
        await self.reply(await self.run(jobs.deploy, request))


class EndpointHandler(SmxLabHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.query_arguments()
        jobs = jobs_of(self.store)
        await self.reply(await self.run(jobs.endpoint, name))
