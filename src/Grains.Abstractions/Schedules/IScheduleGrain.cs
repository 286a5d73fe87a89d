namespace OrleansJobs.Schedules;

/// <summary>
/// One recurring schedule, keyed by <see cref="ScheduleKeys.GrainKey"/> of its name. Each occurrence submits a job whose
/// id follows from the schedule and the occurrence time, so an occurrence fired twice still makes one job.
/// </summary>
public interface IScheduleGrain : IGrainWithStringKey
{
    /// <summary>Creates the schedule or replaces its definition; a replaced one goes on from now (nothing before is caught up).</summary>
    Task<SchedulePutResult> Put(ScheduleDefinition definition);

    /// <summary>The schedule, or null when there is none.</summary>
    Task<ScheduleView?> Get();

    /// <summary>Deletes the schedule (jobs it submitted stay); false when there was none.</summary>
    Task<bool> Delete();

    /// <summary>Stops firing until <see cref="Resume"/>; occurrences meanwhile are not caught up.</summary>
    Task<ScheduleView> Pause();

    /// <summary>Fires again from the next occurrence after now.</summary>
    Task<ScheduleView> Resume();

    /// <summary>Submits the schedule's job now, whatever the cron, pause and overlap say.</summary>
    Task<ScheduleTriggerResult> Trigger();

    /// <summary>Activates the schedule so that it fires what is due and arms its timer.</summary>
    Task Wake();
}
