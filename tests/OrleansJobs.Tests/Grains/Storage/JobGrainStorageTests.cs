using System.Net;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using Xunit;

namespace OrleansJobs.Tests.Grains.Storage;

[Trait("Kind", "Store")]
public sealed class JobGrainStorageTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();
    private readonly SiloAddress _silo = SiloAddress.New(IPAddress.Loopback, 11111, 7);
    private SqliteJobStore _store = null!;
    private JobGrainStorage _storage = null!;
    private readonly NewJobIds _newJobs = new();

    public async ValueTask InitializeAsync()
    {
        await SqliteSchema.ApplyAsync(_db.ConnectionString, TestContext.Current.CancellationToken);
        _store = new SqliteJobStore(_db.Options);
        _storage = new JobGrainStorage(_store, new LocalSilo(_silo), _newJobs);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _db.Dispose();
    }

    [Fact]
    public async Task State_is_stored_under_the_job_id_with_the_version_as_etag_and_this_silo_as_owner()
    {
        var job = Jobs.New();
        var grainId = GrainId.Create("job", job.Id);
        var state = new GrainState<JobState>(job);

        await _storage.WriteStateAsync("job", grainId, state);
        var reread = new GrainState<JobState>();
        await _storage.ReadStateAsync("job", grainId, reread);

        Assert.Equal(("1", true), (state.ETag, state.RecordExists));
        Assert.Equal(("1", true), (reread.ETag, reread.RecordExists));
        Assert.Equal(job.Id, reread.State!.Id);
        Assert.Equal(_silo.ToParsableString(), _db.Scalar("SELECT owner FROM jobs"));
    }

    [Fact]
    public async Task A_missing_job_reads_as_no_record()
    {
        var state = new GrainState<JobState>(Jobs.New());

        await _storage.ReadStateAsync("job", GrainId.Create("job", JobIds.New()), state);

        Assert.Equal((null, false), (state.ETag, state.RecordExists));
        Assert.False(state.State!.Exists);
    }

    [Fact]
    public async Task The_first_activation_of_an_id_this_silo_just_made_does_not_read_and_every_later_one_does()
    {
        var id = _newJobs.Create();
        var grainId = GrainId.Create("job", id);
        // A row under that id cannot exist in practice; here it shows which activation read the table and which did not.
        await _store.WriteAsync(Jobs.New(id: id), "another silo", 0, TestContext.Current.CancellationToken);

        var first = new GrainState<JobState>();
        await _storage.ReadStateAsync("job", grainId, first);
        var second = new GrainState<JobState>();
        await _storage.ReadStateAsync("job", grainId, second);

        Assert.Equal((null, false), (first.ETag, first.RecordExists));
        Assert.False(first.State!.Exists);
        Assert.Equal(("1", true), (second.ETag, second.RecordExists));
        Assert.Equal(0, _newJobs.Count);
    }

    [Fact]
    public async Task An_id_whose_submit_returned_before_its_activation_reads_as_usual()
    {
        var job = Jobs.New();
        await _store.WriteAsync(job, "another silo", 0, TestContext.Current.CancellationToken);
        var id = _newJobs.Create();
        _newJobs.Forget(id);
        var state = new GrainState<JobState>();

        await _storage.ReadStateAsync("job", GrainId.Create("job", job.Id), state);

        Assert.Equal(("1", true), (state.ETag, state.RecordExists));
        Assert.False(_newJobs.TryTake(id));
    }

    [Fact]
    public async Task A_write_from_a_stale_etag_is_an_inconsistent_state()
    {
        var job = Jobs.New();
        var grainId = GrainId.Create("job", job.Id);
        var state = new GrainState<JobState>(job);
        await _storage.WriteStateAsync("job", grainId, state);
        await _store.WriteAsync(job, "another silo", 1, TestContext.Current.CancellationToken);

        var exception = await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("job", grainId, state));

        Assert.IsType<JobVersionConflictException>(exception.InnerException);
    }

    [Fact]
    public async Task Clearing_deletes_the_row_and_forgets_the_etag()
    {
        var job = Jobs.New();
        var grainId = GrainId.Create("job", job.Id);
        var state = new GrainState<JobState>(job);
        await _storage.WriteStateAsync("job", grainId, state);

        await _storage.ClearStateAsync("job", grainId, state);

        Assert.Equal((null, false), (state.ETag, state.RecordExists));
        Assert.Null(await _store.ReadAsync(job.Id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Any_state_other_than_a_job_is_refused()
    {
        await Assert.ThrowsAsync<NotSupportedException>(() =>
            _storage.WriteStateAsync("note", GrainId.Create("note", "n1"), new GrainState<Note>(new Note())));
    }

    private sealed class LocalSilo(SiloAddress address) : ILocalSiloDetails
    {
        public string Name => "test";
        public string ClusterId => "test";
        public string DnsHostName => "localhost";
        public SiloAddress SiloAddress => address;
        public SiloAddress GatewayAddress => address;
    }
}
