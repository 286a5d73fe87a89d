using System.Diagnostics;
using OpenTelemetry;
using Orleans.Diagnostics;

namespace OrleansJobs.Server.Telemetry;

/// <summary>
/// Keeps Orleans' spans that belong to no trace out of the export. With Orleans' activity propagation on, every grain
/// call is a span, including the runtime's own background work (stream agents poll several times a second, membership
/// and reminders tick, the dashboard collects, idle activations are collected): each would be a one-span trace of its
/// own, burying the traces people look for. An Orleans span is recorded only when it continues a trace (an HTTP
/// request, a job's attempt, a caller's <c>traceparent</c>); one that would start a trace is demoted to propagation
/// only, so what it calls in turn is not recorded either (the parent-based sampler follows its flag).
/// </summary>
public sealed class BackgroundGrainCallFilter : BaseProcessor<Activity>
{
    /// <summary>
    /// Orleans' grain-call sources (calls to OrleansJobs' own grains go under the runtime's, as their namespace starts
    /// with "Orleans") and its activation lifecycle.
    /// </summary>
    public static readonly string[] Sources =
        [ActivitySources.RuntimeActivitySourceName, ActivitySources.ApplicationGrainActivitySourceName, ActivitySources.LifecycleActivitySourceName];

    public override void OnStart(Activity activity)
    {
        if (activity.ParentSpanId != default || activity.Parent is not null) return;
        if (Array.IndexOf(Sources, activity.Source.Name) < 0) return;
        activity.IsAllDataRequested = false;
        activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
    }
}
