using Npgsql;
using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using Xunit;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>The job store contract on a real PostgreSQL server, plus what only the clustered store does.</summary>
[Trait("Kind", "Store")]
public sealed class PostgresJobStoreTests(PostgresFixture database, ITestOutputHelper output)
    : DurableJobStoreContract(output), IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private PostgresJobStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        await PostgresSchema.ApplyAsync(database.ConnectionString, TestContext.Current.CancellationToken);
        Scalar("TRUNCATE jobs, job_labels");
        _store = new PostgresJobStore(new PostgresJobStoreOptions(database.ConnectionString), Meters);
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    protected override IJobStore Store => _store;

    protected override long CommitCount => _store.CommitCount;

    protected override ValueTask DisposeStoreAsync() => _store.DisposeAsync();

    protected override object? Scalar(string sql)
    {
        using var connection = new NpgsqlConnection(database.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }

    [Fact]
    public async Task A_stale_update_in_a_busy_batch_conflicts_alone()
    {
        var ct = TestContext.Current.CancellationToken;
        var contested = Jobs.New();
        await _store.WriteAsync(contested, Silo, 0, ct);
        await _store.WriteAsync(contested, Silo, 1, ct);
        var others = Enumerable.Range(0, 200).Select(_ => Jobs.New()).ToList();

        var fresh = others.Select(job => _store.WriteAsync(job, Silo, 0, ct)).ToList();
        var stale = _store.WriteAsync(contested, Silo, 1, ct);

        Assert.All(await Task.WhenAll(fresh), version => Assert.Equal(1, version));
        var conflict = await Assert.ThrowsAsync<JobVersionConflictException>(() => stale);
        Assert.Contains("expected version 1, found 2", conflict.Message);
        Assert.Equal(201L, Scalar("SELECT count(*) FROM jobs"));
    }

    [Fact]
    public async Task Writes_that_queue_while_a_batch_commits_go_out_together_in_the_next_one()
    {
        // Eight producers, each waiting for its write before sending the next (as eight HTTP clients submitting do):
        // while one batch commits, the others' next writes queue and leave together, so the producers settle into two
        // groups of four that take turns (measured: 99 commits). Split across four write loops, the same writes took
        // about 265 commits.
        const int producers = 8, writesEach = 50;
        var ct = TestContext.Current.CancellationToken;
        var commitsBefore = _store.CommitCount;

        await Task.WhenAll(Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < writesEach; i++) await _store.WriteAsync(Jobs.New(), Silo, 0, ct);
        }, ct)));

        var commits = _store.CommitCount - commitsBefore;
        Output.WriteLine($"{producers * writesEach} writes from {producers} producers in {commits} commits");
        Assert.Equal((long)(producers * writesEach), Convert.ToInt64(Scalar("SELECT count(*) FROM jobs")));
        Assert.InRange(commits, 1, producers * writesEach / 3);
    }

    [Fact]
    public async Task Two_writes_of_one_job_queued_together_apply_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        var job = Jobs.New();
        await _store.WriteAsync(job, Silo, 0, ct);

        // Not what a grain does (it awaits each write), but the store must not lose or reorder them.
        var first = _store.WriteAsync(Jobs.New(JobStatus.Running, id: job.Id), Silo, 1, ct);
        var second = _store.WriteAsync(Jobs.New(JobStatus.Succeeded, id: job.Id), Silo, 2, ct);

        Assert.Equal((2L, 3L), (await first, await second));
        Assert.Equal(JobStatus.Succeeded, (await _store.ReadAsync(job.Id, ct))!.State.Status);
    }

    [Fact]
    public async Task Reads_queued_together_each_get_their_own_state_object()
    {
        var ct = TestContext.Current.CancellationToken;
        var job = Jobs.New();
        await _store.WriteAsync(job, Silo, 0, ct);

        var reads = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _store.ReadAsync(job.Id, ct)));

        Assert.All(reads, read => Assert.Equal(job.Id, read!.State.Id));
        Assert.Equal(20, reads.Select(read => read!.State).Distinct(ReferenceEqualityComparer.Instance).Count());
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_as_unavailable_promptly()
    {
        var ct = TestContext.Current.CancellationToken;
        var closed = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = FreeTcpPort.Next() }.ConnectionString;
        await using var store = new PostgresJobStore(new PostgresJobStoreOptions(closed));
        var started = DateTime.UtcNow;

        await Assert.ThrowsAsync<JobServiceUnavailableException>(() => store.CheckHealthAsync(ct));
        await Assert.ThrowsAsync<JobServiceUnavailableException>(() => store.WriteAsync(Jobs.New(), Silo, 0, ct));
        await Assert.ThrowsAsync<JobServiceUnavailableException>(() => store.ReadAsync(JobIds.New(), ct));
        await Assert.ThrowsAsync<JobServiceUnavailableException>(() => store.ListAsync(new JobQuery(), ct));

        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_missing_table_is_an_error_not_an_outage()
    {
        var ct = TestContext.Current.CancellationToken;
        Scalar("ALTER TABLE jobs RENAME TO jobs_hidden");
        try
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => _store.CheckHealthAsync(ct));
            Assert.Equal(PostgresErrorCodes.UndefinedTable, error.SqlState);
        }
        finally
        {
            Scalar("ALTER TABLE jobs_hidden RENAME TO jobs");
        }
    }
}
