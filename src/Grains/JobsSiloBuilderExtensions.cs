using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansJobs.Callbacks;
using OrleansJobs.Handlers;
using OrleansJobs.Queues;
using OrleansJobs.Retention;
using OrleansJobs.Jobs;
using OrleansJobs.Placement;
using Orleans.Metadata;
using OrleansJobs.Schedules;
using OrleansJobs.Telemetry;
using OrleansJobs.Workers;
using OrleansJobs.Streams;
using Orleans.Providers;
using Orleans.Streams;

namespace OrleansJobs;

public static class JobsSiloBuilderExtensions
{
    /// <summary>Queues of the job-event stream provider, across the cluster (each polled by one silo's pulling agent).</summary>
    public const int EventQueues = 4;

    /// <summary>
    /// The job service's grains and silo services: the handler runner, the built-in job types, the sweeper and completion
    /// callbacks, recurring schedules, named queues, retention of finished jobs. Storage is configured separately (embedded SQLite or PostgreSQL);
    /// callbacks and schedules keep their state, and queues their settings, in the default grain storage, and callbacks
    /// and schedules need a reminder service.
    /// </summary>
    public static ISiloBuilder AddJobService(this ISiloBuilder silo)
    {
        var services = silo.Services;
        services.AddOptions<JobServiceOptions>().BindConfiguration(JobServiceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ExecutionOptions>().BindConfiguration(ExecutionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<JobRunner>();
        services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<QueueAdmission>();
        services.TryAddSingleton<NewJobIds>();
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.Section);
        services.TryAddSingleton<ExternalJobTypes>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ExternalJobTypesRefresh>();
                services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<QueueLabels>();
        services.TryAddSingleton<JobCountSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<JobCountSampler>());
        services.TryAddSingleton<JobMetrics>();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, JobSweeperKeeper>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ScheduleRecoveryLoop>();
        services.AddBuiltInJobHandlers();
        // Placement by handler set: each silo publishes its job types in its grain manifest; job grains go where theirs is served.
        services.TryAddSingleton<JobTypeCatalog>();
        services.AddSingleton<IGrainPropertiesProvider, JobTypesGrainProperty>();
        services.AddPlacementDirector<JobPlacement, JobPlacementDirector>();
        services.AddCompletionCallbacks();
        // Job events: one stream per job, fanned out to each silo's watchers (SignalR, SSE). Memory streams are
        // enough: an event is only for whoever watches now, and a watcher that (re)subscribes gets the current state
        // first. Needs a "PubSubStore" grain storage (the silo host puts it in the job database).
        // How often the pulling agents poll their queues (Orleans' default, 100 ms, shows as a lagging progress bar):
        // OrleansJobs:EventPollInterval. Every poll is a grain call, idle or not, so the cluster has 4 queues rather than
        // Orleans' default 8 (bench/FanOut at 1,000 connections, p99: 46 ms with 8, 54 with 4, 78 with 2), and a quiet
        // queue is polled at every tenth tick only (QuietQueueAdapterFactory, below): an idle silo makes 40 polls a second
        // rather than 400 (with 8 queues and no quiet receivers it made 800, 3.5 MiB/s of garbage for nothing).
        silo.AddMemoryStreams(JobStreams.Provider, streams =>
        {
            streams.ConfigurePartitioning(EventQueues);
            streams.ConfigurePullingAgent(agent =>
                agent.Configure<IOptions<JobServiceOptions>>((o, jobs) => o.GetQueueMsgsTimerPeriod = jobs.Value.EventPollInterval));
        });
        // The same memory streams, with receivers that read a quiet queue at every tenth tick only (see the factory):
        // registered after AddMemoryStreams' own factory, under the provider's name, so that this one is resolved.
        services.AddKeyedSingleton<IQueueAdapterFactory>(JobStreams.Provider, (provider, name) =>
            new QuietQueueAdapterFactory(MemoryAdapterFactory<DefaultMemoryMessageBodySerializer>.Create(provider, (string)name!)));
        return silo;
    }
}
