//! Employment plans on the API: the plan, its versions and their tasks;
//! creating a plan, revising it, and marking a task done.

use async_graphql::{ComplexObject, Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use polku_domain::{DomainError, ErrorCode};
use polku_store::audit::{self, AuditAction};
use polku_store::plans::{self, PlanContent, Task as StoreTask};
use uuid::Uuid;

use crate::context::{require, today, CASE_STAFF};
use crate::error::ApiResult;
use crate::input::{parse_id, text};
use crate::shared::remote_enum;
use crate::ApiError;

remote_enum!(
    PlanType,
    "polku_domain::customer::PlanType",
    [EmploymentPlan, ActivationPlan, IntegrationPlan, MultiSectorPlan]
);
remote_enum!(Responsible, "polku_domain::customer::Responsible", [Customer, Coach, Partner]);

#[derive(SimpleObject, Clone)]
pub struct Task {
    id: ID,
    what: String,
    responsible: Responsible,
    due: Option<NaiveDate>,
    done_on: Option<NaiveDate>,
}

impl From<&StoreTask> for Task {
    fn from(t: &StoreTask) -> Self {
        Task {
            id: ID(t.id.to_string()),
            what: t.what.clone(),
            responsible: t.responsible.into(),
            due: t.due,
            done_on: t.done_on,
        }
    }
}

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct PlanVersion {
    version: i32,
    goals: Vec<String>,
    tasks: Vec<Task>,
    /// Job applications a month (0–4).
    job_search_obligation: i32,
    created_at: DateTime<Utc>,
    created_by: String,
}

#[ComplexObject]
impl PlanVersion {
    async fn open_tasks(&self) -> i32 {
        i32::try_from(self.tasks.iter().filter(|t| t.done_on.is_none()).count()).unwrap_or(i32::MAX)
    }
}

impl From<&plans::PlanVersion> for PlanVersion {
    fn from(v: &plans::PlanVersion) -> Self {
        PlanVersion {
            version: v.version,
            goals: v.content.goals.clone(),
            tasks: v.content.tasks.iter().map(Task::from).collect(),
            job_search_obligation: i32::from(v.content.job_search_obligation),
            created_at: v.created_at,
            created_by: v.created_by.clone(),
        }
    }
}

pub struct Plan(pub plans::Plan);

#[Object]
impl Plan {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn plan_type(&self) -> PlanType {
        self.0.plan_type.into()
    }
    async fn customer_id(&self) -> ID {
        ID(self.0.customer_id.to_string())
    }
    /// The current version.
    async fn current(&self) -> PlanVersion {
        PlanVersion::from(&self.0.current)
    }
    /// Every version, oldest first.
    async fn versions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PlanVersion>> {
        let s = require(ctx, CASE_STAFF).api()?;
        let mut tx = s.tx().await.api()?;
        let versions = plans::versions(&mut tx, self.0.id).await.api()?;
        audit::record(&mut tx, &[self.0.customer_id], AuditAction::Read, "plan versions").await.api()?;
        Ok(versions.iter().map(PlanVersion::from).collect())
    }
}

#[derive(InputObject)]
pub struct TaskInput {
    /// Keep a task's id when revising; omit for a new task.
    id: Option<ID>,
    what: String,
    responsible: Responsible,
    #[graphql(validator(custom = "crate::input::UsableDate(\"input.tasks.due\")"))]
    due: Option<NaiveDate>,
    #[graphql(validator(custom = "crate::input::UsableDate(\"input.tasks.doneOn\")"))]
    done_on: Option<NaiveDate>,
}

#[derive(InputObject)]
pub struct PlanInput {
    #[graphql(default)]
    goals: Vec<String>,
    #[graphql(default)]
    tasks: Vec<TaskInput>,
    /// Job applications a month, 0–4; 4 unless set individually.
    #[graphql(default = 4)]
    job_search_obligation: i32,
}

fn plan_content(input: PlanInput) -> Result<PlanContent, ApiError> {
    let job_search_obligation =
        i16::try_from(input.job_search_obligation).ok().filter(|n| (0..=4).contains(n)).ok_or_else(|| {
            DomainError::field(ErrorCode::OutOfRange, "input.jobSearchObligation")
                .with_arg("min", 0)
                .with_arg("max", 4)
        })?;
    let goals = input
        .goals
        .iter()
        .enumerate()
        .map(|(i, g)| text(&format!("input.goals[{i}]"), g, 1000))
        .collect::<Result<Vec<_>, _>>()?;
    let tasks = input
        .tasks
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            Ok(StoreTask {
                id: match &t.id {
                    Some(id) => Uuid::parse_str(id.as_str()).map_err(|_| {
                        ApiError::from(DomainError::field(
                            ErrorCode::UnknownTask,
                            format!("input.tasks[{i}].id"),
                        ))
                    })?,
                    None => Uuid::now_v7(),
                },
                what: text(&format!("input.tasks[{i}].what"), &t.what, 1000)?,
                responsible: t.responsible.into(),
                due: t.due,
                done_on: t.done_on,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(PlanContent { goals, tasks, job_search_obligation })
}

#[derive(Default)]
pub struct PlanQuery;

#[Object]
impl PlanQuery {
    async fn plan(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Plan> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&id).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Plan(plans::get(&mut tx, id).await.api()?))
    }
}

#[derive(Default)]
pub struct PlanMutation;

#[Object]
impl PlanMutation {
    async fn create_plan(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        plan_type: PlanType,
        input: PlanInput,
    ) -> async_graphql::Result<Plan> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&customer_id).api()?;
        let content = plan_content(input).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Plan(plans::create(&mut tx, id, plan_type.into(), content).await.api()?))
    }

    /// Writes a new version of a plan made from `fromVersion`.
    async fn revise_plan(
        &self,
        ctx: &Context<'_>,
        plan_id: ID,
        from_version: i32,
        input: PlanInput,
    ) -> async_graphql::Result<Plan> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&plan_id).api()?;
        let content = plan_content(input).api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Plan(plans::revise(&mut tx, id, from_version, content).await.api()?))
    }

    async fn mark_task_done(
        &self,
        ctx: &Context<'_>,
        plan_id: ID,
        task_id: ID,
    ) -> async_graphql::Result<Plan> {
        let s = require(ctx, CASE_STAFF).api()?;
        let id = parse_id(&plan_id).api()?;
        let task = Uuid::parse_str(task_id.as_str())
            .map_err(|_| ApiError::from(DomainError::field(ErrorCode::UnknownTask, "taskId")))
            .api()?;
        let mut tx = s.tx().await.api()?;
        Ok(Plan(plans::mark_task_done(&mut tx, id, task, today(ctx)).await.api()?))
    }
}
