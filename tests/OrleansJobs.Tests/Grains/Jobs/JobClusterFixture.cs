using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansJobs.Handlers;
using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Jobs;

/// <summary>
/// A one-silo Orleans test cluster with the real job grains, the real SQLite job store and the real ADO.NET
/// reminder service on SQLite, in a temporary folder; short grace periods so that tests stay quick.
/// </summary>
public sealed class JobClusterFixture : IAsyncLifetime
{
    /// <summary>
    /// How long a cancelled handler may take to stop before it is abandoned. Long enough that a cancel which the
    /// handler heeds, written to the store on a busy machine, still ends well before it.
    /// </summary>
    public static readonly TimeSpan CancellationGracePeriod = TimeSpan.FromSeconds(3);

    private readonly string _directory = Directory.CreateTempSubdirectory("orleansjobs-grains-").FullName;
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.Client;

    public async ValueTask InitializeAsync()
    {
        Cluster = await SqliteTestCluster.DeployAsync(_directory, silo =>
        {
            silo.AddMemoryGrainStorageAsDefault(); // queue settings
            silo.Services.AddSingleton(HeldWrites);
            silo.Services.AddSingleton<IJobStore>(sp => HoldingJobStore.Create(sp.GetRequiredService<SqliteJobStore>(), HeldWrites));
            silo.Services.AddJobHandler<StubbornHandler>("stubborn");
            silo.Services.PostConfigure<JobServiceOptions>(o =>
            {
                o.CancellationGracePeriod = CancellationGracePeriod;
                o.SweepInterval = TimeSpan.FromSeconds(1);
            });
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    public IJobStore Store => Cluster.Silos[0].SiloHost.Services.GetRequiredService<IJobStore>();

    /// <summary>Writes a test holds back (per job) before they reach the real store.</summary>
    public WriteHolds HeldWrites { get; } = new();

    /// <summary>
    /// Holds a job's writes that match a condition until the test lets them go, so that a test can act while a write
    /// is on its way. Jobs no test holds are written at once.
    /// </summary>
    public sealed class WriteHolds
    {
        private readonly ConcurrentDictionary<string, (Func<JobState, bool> Matches, TaskCompletionSource Reached, TaskCompletionSource Released)> _holds = new();

        /// <summary>
        /// From now on, the first write of <paramref name="jobId"/> that matches waits for <paramref name="release"/>;
        /// the task returned completes once such a write has arrived.
        /// </summary>
        public Task Hold(string jobId, Func<JobState, bool> matches, Task release)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            release.ContinueWith(_ => released.TrySetResult(), TaskScheduler.Default);
            _holds[jobId] = (matches, reached, released);
            return reached.Task;
        }

        internal Task BeforeWriteAsync(JobState state)
        {
            if (!_holds.TryGetValue(state.Id, out var hold) || !hold.Matches(state)) return Task.CompletedTask;
            _holds.TryRemove(state.Id, out _);
            hold.Reached.TrySetResult();
            return hold.Released.Task;
        }
    }

    /// <summary>An <see cref="IJobStore"/> that passes every call to the real one, letting <see cref="WriteHolds"/> hold writes.</summary>
    public class HoldingJobStore : DispatchProxy
    {
        private IJobStore _inner = null!;
        private WriteHolds _holds = null!;

        public static IJobStore Create(IJobStore inner, WriteHolds holds)
        {
            var proxy = DispatchProxy.Create<IJobStore, HoldingJobStore>();
            var holding = (HoldingJobStore)(object)proxy;
            holding._inner = inner;
            holding._holds = holds;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IJobStore.WriteAsync))
                return WriteAsync((JobState)args![0]!, targetMethod, args);
            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw ex.InnerException;
            }
        }

        private async Task<long> WriteAsync(JobState state, MethodInfo method, object?[] args)
        {
            await _holds.BeforeWriteAsync(state);
            return await (Task<long>)method.Invoke(_inner, args)!;
        }
    }

    /// <summary>A handler that ignores its cancellation token: it must be abandoned after the grace period.</summary>
    public sealed class StubbornHandler : IJobHandler
    {
        public async Task<JsonNode?> ExecuteAsync(JobContext context)
        {
            await Task.Delay(TimeSpan.FromSeconds(30), CancellationToken.None);
            return null;
        }
    }
}
