using Microsoft.Data.Sqlite;
using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using Xunit;

namespace OrleansJobs.Tests.Grains.Storage;

[Trait("Kind", "Store")]
public sealed class SqliteJobStoreTests(ITestOutputHelper output) : DurableJobStoreContract(output), IAsyncLifetime
{
    private readonly TempDatabase _db = new();
    private SqliteJobStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        await SqliteSchema.ApplyAsync(_db.ConnectionString, TestContext.Current.CancellationToken);
        _store = new SqliteJobStore(_db.Options, Meters);
    }

    protected override IJobStore Store => _store;

    protected override long CommitCount => _store.CommitCount;

    protected override object? Scalar(string sql) => _db.Scalar(sql);

    protected override ValueTask DisposeStoreAsync() => _store.DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _db.Dispose();
    }

    [Fact]
    public async Task A_write_held_up_past_the_busy_timeout_is_retried_not_failed()
    {
        var ct = TestContext.Current.CancellationToken;
        Task<long> write;
        // Another connection holds SQLite's write lock longer than the writer's busy_timeout (5 s): its first commit
        // fails with SQLITE_BUSY.
        using (var blocker = _db.Open())
        using (var transaction = blocker.BeginTransaction(deferred: false))
        {
            write = _store.WriteAsync(Jobs.New(), Silo, 0, ct);
            await Task.Delay(TimeSpan.FromSeconds(7), ct);
            Assert.False(write.IsCompleted, "the write finished while another connection held the write lock");
            transaction.Rollback();
        }

        Assert.Equal(1, await write);
        Assert.Equal(1L, _db.Scalar("SELECT count(*) FROM jobs"));
    }

    [Fact]
    public async Task A_stale_update_conflicts_while_the_rest_of_its_batch_commits()
    {
        var ct = TestContext.Current.CancellationToken;
        var contested = Jobs.New();
        await _store.WriteAsync(contested, Silo, 0, ct);
        await _store.WriteAsync(contested, Silo, 1, ct);

        // Hold SQLite's write lock so the writer stalls on a first write while the batch under test queues up behind it.
        Task<long> first;
        var rest = new List<Task<long>>();
        Task<long> stale;
        var commitsBefore = _store.CommitCount;
        using (var blocker = _db.Open())
        using (var transaction = blocker.BeginTransaction(deferred: false))
        {
            first = _store.WriteAsync(Jobs.New(), Silo, 0, ct);
            await WaitUntil(() => _store.QueuedWrites == 0);
            rest.AddRange(Enumerable.Range(0, 5).Select(_ => _store.WriteAsync(Jobs.New(), Silo, 0, ct)));
            stale = _store.WriteAsync(contested, Silo, 1, ct);
            rest.AddRange(Enumerable.Range(0, 5).Select(_ => _store.WriteAsync(Jobs.New(), Silo, 0, ct)));
            transaction.Rollback();
        }

        Assert.Equal(1, await first);
        Assert.All(await Task.WhenAll(rest), version => Assert.Equal(1, version));
        var conflict = await Assert.ThrowsAsync<JobVersionConflictException>(() => stale);
        Assert.Contains("expected version 1, found 2", conflict.Message);
        Assert.Equal(2, _store.CommitCount - commitsBefore);
        Assert.Equal(2, (await _store.ReadAsync(contested.Id, ct))!.Version);
    }

    [Fact]
    public async Task Applying_the_schema_again_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var job = Jobs.New();
        await _store.WriteAsync(job, Silo, 0, ct);

        await SqliteSchema.ApplyAsync(_db.ConnectionString, ct);
        await SqliteSchema.ApplyAsync(_db.ConnectionString, ct);

        Assert.Equal("001-jobs.sql,002-orleans-query.sql,003-orleans-reminders.sql,004-orleans-grain-storage.sql,005-callback-pending.sql,006-queue-members.sql,007-finished-by-status.sql,008-api-keys.sql,009-search-keys.sql,010-job-owner.sql,011-job-labels.sql",
            _db.Scalar("SELECT group_concat(script, ',' ORDER BY version) FROM schema_version"));
        Assert.Equal(11L, _db.Scalar("SELECT count(*) FROM OrleansQuery"));
        Assert.Equal("wal", _db.Scalar("PRAGMA journal_mode"));
        Assert.NotNull(await _store.ReadAsync(job.Id, ct));
    }

    [Fact]
    public async Task Health_check_fails_when_the_schema_is_missing()
    {
        using var empty = new TempDatabase();
        await using var store = new SqliteJobStore(empty.Options);

        await Assert.ThrowsAsync<SqliteException>(() => store.CheckHealthAsync(TestContext.Current.CancellationToken));
    }


    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the writer.");
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }
}
