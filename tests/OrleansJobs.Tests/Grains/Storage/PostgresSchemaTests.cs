using System.Data;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansJobs.Storage;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>
/// The clustered mode's PostgreSQL schema: migrations (repeatable, safe from concurrent starters) and the Orleans
/// query texts run directly with the parameters, and the parameter types, the ADO.NET providers bind. Covers the
/// paths a small cluster does not reach on its own (version conflicts, hash-range reads, defunct-silo cleanup).
/// <see cref="PostgresSchemaClusterTests"/> runs the stock providers on the same scripts.
/// </summary>
[Trait("Kind", "Store")]
public sealed class PostgresSchemaTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const int Active = 3;
    private const int Dead = 6;

    public static readonly string[] ProviderQueryKeys =
    [
        // Microsoft.Orleans.Clustering.AdoNet
        "InsertMembershipVersionKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipKey", "UpdateMembershipKey",
        "UpdateIAmAlivetimeKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntriesKey",
        "CleanupDefunctSiloEntryKey",
        // Microsoft.Orleans.Reminders.AdoNet
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
        // Microsoft.Orleans.Persistence.AdoNet
        "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey",
    ];

    private static readonly string[] Scripts =
        ["001-jobs.sql", "002-orleans-query.sql", "003-orleans-clustering.sql", "004-orleans-reminders.sql", "005-orleans-grain-storage.sql", "006-callback-pending.sql", "007-queue-members.sql", "008-finished-by-status.sql", "009-api-keys.sql", "010-search-keys.sql", "011-job-owner.sql", "012-job-labels.sql"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await PostgresSchema.ApplyAsync(postgres.ConnectionString, Ct);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Applying_again_changes_nothing_and_records_each_script_once()
    {
        await PostgresSchema.ApplyAsync(postgres.ConnectionString, Ct);
        await PostgresSchema.ApplyAsync(postgres.ConnectionString, Ct);

        Assert.Equal(Scripts, await ColumnAsync<string>(postgres.ConnectionString, "SELECT script FROM schema_version ORDER BY version"));
        Assert.Equal(Scripts.Select(script => int.Parse(script[..3], System.Globalization.CultureInfo.InvariantCulture)), await ColumnAsync<int>(postgres.ConnectionString, "SELECT version FROM schema_version ORDER BY version"));
        Assert.Equal(ProviderQueryKeys.Order(), await ColumnAsync<string>(postgres.ConnectionString, "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey COLLATE \"C\""));
    }

    [Fact]
    public async Task Silos_starting_together_on_an_empty_database_apply_each_script_once()
    {
        var fresh = new PostgresFixture();
        await fresh.InitializeAsync();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresSchema.ApplyAsync(fresh.ConnectionString, Ct), Ct)));

            Assert.Equal(Scripts, await ColumnAsync<string>(fresh.ConnectionString, "SELECT script FROM schema_version ORDER BY version"));
            Assert.Equal(ProviderQueryKeys.Length, (await ColumnAsync<long>(fresh.ConnectionString, "SELECT count(*) FROM OrleansQuery")).Single());
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    [Fact]
    public async Task Job_table_leaves_room_for_hot_updates_and_has_the_listing_and_sweep_indexes()
    {
        var options = await ColumnAsync<string[]>(postgres.ConnectionString, "SELECT reloptions FROM pg_class WHERE relname = 'jobs'");
        Assert.Equal(["fillfactor=80"], options.Single());
        Assert.Equal(
            [
                "jobs_active_by_owner: CREATE INDEX jobs_active_by_owner ON public.jobs USING btree (owner) WHERE (status = ANY (ARRAY['Queued'::text, 'Running'::text]))",
                "jobs_active_by_queue: CREATE INDEX jobs_active_by_queue ON public.jobs USING btree (queue, status, priority DESC, created_at, id) WHERE (status = ANY (ARRAY['Queued'::text, 'Running'::text]))",
                "jobs_by_batch: CREATE INDEX jobs_by_batch ON public.jobs USING btree (batch_id) WHERE (batch_id IS NOT NULL)",
                "jobs_by_correlation: CREATE INDEX jobs_by_correlation ON public.jobs USING btree (correlation_id) WHERE (correlation_id IS NOT NULL)",
                "jobs_by_created: CREATE INDEX jobs_by_created ON public.jobs USING btree (created_at, id)",
                "jobs_by_idempotency: CREATE INDEX jobs_by_idempotency ON public.jobs USING btree (idempotency_key) WHERE (idempotency_key IS NOT NULL)",
                "jobs_by_queue_created: CREATE INDEX jobs_by_queue_created ON public.jobs USING btree (queue, created_at, id)",
                "jobs_by_status_created: CREATE INDEX jobs_by_status_created ON public.jobs USING btree (status, created_at, id)",
                "jobs_by_submitter_created: CREATE INDEX jobs_by_submitter_created ON public.jobs USING btree (submitted_by, created_at, id) WHERE (submitted_by IS NOT NULL)",
                "jobs_by_type_created: CREATE INDEX jobs_by_type_created ON public.jobs USING btree (type, created_at, id)",
                "jobs_callback_pending: CREATE INDEX jobs_callback_pending ON public.jobs USING btree (updated_at) WHERE callback_pending",
                "jobs_finished_by_status_updated: CREATE INDEX jobs_finished_by_status_updated ON public.jobs USING btree (status, updated_at) WHERE (status = ANY (ARRAY['Succeeded'::text, 'Failed'::text, 'Cancelled'::text]))",
                "jobs_pkey: CREATE UNIQUE INDEX jobs_pkey ON public.jobs USING btree (id)",
                "jobs_scheduled_by_due: CREATE INDEX jobs_scheduled_by_due ON public.jobs USING btree (due_at) WHERE (status = 'Scheduled'::text)",
            ],
            await ColumnAsync<string>(postgres.ConnectionString,
                "SELECT indexname || ': ' || indexdef FROM pg_indexes WHERE tablename = 'jobs' ORDER BY indexname"));
    }

    [Fact]
    public async Task Membership_writes_succeed_only_at_the_version_the_caller_read_and_move_it_on()
    {
        const string cluster = "membership-writes";
        var started = Utc(2026, 1, 1, 10, 0, 0);

        Assert.True(await BoolAsync("InsertMembershipVersionKey", Text("DeploymentId", cluster)));
        Assert.False(await BoolAsync("InsertMembershipVersionKey", Text("DeploymentId", cluster)));
        var empty = await RunAsync("MembershipReadAllKey", Text("DeploymentId", cluster));
        Assert.Equal(0, Convert.ToInt32(empty.Single()["Version"]));
        Assert.Null(empty.Single()["Address"]);

        Assert.True(await BoolAsync("InsertMembershipKey", [.. Silo(cluster, 11111, 1), .. NewSilo("silo-a", started), Int("Version", 0)]));
        Assert.False(await BoolAsync("InsertMembershipKey", [.. Silo(cluster, 22222, 1), .. NewSilo("silo-b", started), Int("Version", 0)])); // stale
        Assert.False(await BoolAsync("InsertMembershipKey", [.. Silo(cluster, 11111, 1), .. NewSilo("silo-a", started), Int("Version", 1)])); // exists
        Assert.True(await BoolAsync("InsertMembershipKey", [.. Silo(cluster, 22222, 1), .. NewSilo("silo-b", started), Int("Version", 1)]));

        var row = (await RunAsync("MembershipReadRowKey", Silo(cluster, 11111, 1))).Single();
        Assert.Equal((2, "127.0.0.1", 11111, 1, "silo-a", "host", Active, 30000, (string?)null),
            (Convert.ToInt32(row["Version"]), (string)row["Address"]!, (int)row["Port"]!, (int)row["Generation"]!, (string)row["SiloName"]!,
             (string)row["HostName"]!, (int)row["Status"]!, (int)row["ProxyPort"]!, (string?)row["SuspectTimes"]));
        Assert.Equal(started, (DateTime)row["StartTime"]!);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)row["IAmAliveTime"]!).Kind);

        const string suspicion = "S127.0.0.1:22222:1,2026-01-01 10:00:05.000 GMT";
        Assert.False(await BoolAsync("UpdateMembershipKey", [.. Silo(cluster, 11111, 1), .. Change(Dead, suspicion, started), Int("Version", 1)]));
        Assert.False(await BoolAsync("UpdateMembershipKey", [.. Silo(cluster, 33333, 1), .. Change(Dead, suspicion, started), Int("Version", 2)]));
        Assert.True(await BoolAsync("UpdateMembershipKey", [.. Silo(cluster, 11111, 1), .. Change(Dead, suspicion, started), Int("Version", 2)]));

        // A heartbeat changes the silo's time only, not the table version.
        await RunAsync("UpdateIAmAlivetimeKey", [.. Silo(cluster, 22222, 1), Time("IAmAliveTime", started.AddMinutes(1))]);
        var all = await RunAsync("MembershipReadAllKey", Text("DeploymentId", cluster));
        Assert.All(all, r => Assert.Equal(3, Convert.ToInt32(r["Version"])));
        (int, int, string?, DateTime)[] expected = [(11111, Dead, suspicion, started), (22222, Active, null, started.AddMinutes(1))];
        Assert.Equal(expected,
            all.Select(r => ((int)r["Port"]!, (int)r["Status"]!, (string?)r["SuspectTimes"], (DateTime)r["IAmAliveTime"]!)).Order());
    }

    [Fact]
    public async Task Gateways_are_the_active_silos_that_accept_clients()
    {
        const string cluster = "gateways";
        await RunAsync("InsertMembershipVersionKey", Text("DeploymentId", cluster));
        var now = DateTime.UtcNow;
        await BoolAsync("InsertMembershipKey", [.. Silo(cluster, 1001, 1), .. NewSilo("a", now), Int("Version", 0)]);
        await BoolAsync("InsertMembershipKey", [.. Silo(cluster, 1002, 1), .. NewSilo("b", now, proxyPort: 0), Int("Version", 1)]);
        await BoolAsync("InsertMembershipKey", [.. Silo(cluster, 1003, 1), .. NewSilo("c", now), Int("Version", 2)]);
        await BoolAsync("UpdateMembershipKey", [.. Silo(cluster, 1003, 1), .. Change(Dead, null, now), Int("Version", 3)]);

        var gateways = await RunAsync("GatewaysQueryKey", Text("DeploymentId", cluster), Int("Status", Active));

        Assert.Equal([("127.0.0.1", 30000, 1)], gateways.Select(g => ((string)g["Address"]!, (int)g["ProxyPort"]!, (int)g["Generation"]!)));
    }

    [Fact]
    public async Task Defunct_silo_cleanup_removes_only_dead_rows_from_before_the_cutoff_and_unchanged_rows()
    {
        const string cluster = "cleanup";
        var old = Utc(2026, 1, 1, 0, 0, 0);
        var recent = old.AddHours(2);
        await RunAsync("InsertMembershipVersionKey", Text("DeploymentId", cluster));
        var version = 0;
        foreach (var (port, status, time) in new[] { (1, Dead, old), (2, Dead, recent), (3, Active, old), (4, Dead, old) })
        {
            Assert.True(await BoolAsync("InsertMembershipKey", [.. Silo(cluster, port, 1), .. NewSilo($"s{port}", time), Int("Version", version++)]));
            Assert.True(await BoolAsync("UpdateMembershipKey", [.. Silo(cluster, port, 1), .. Change(status, null, time), Int("Version", version++)]));
        }

        // One row, as the provider read it: a changed heartbeat keeps it, the unchanged row goes.
        IEnumerable<(string, object?, DbType)> Captured(DateTime heartbeat) =>
            [.. Silo(cluster, 4, 1), Time("StartTime", old), Time("IAmAliveTime", heartbeat), Text("SuspectTimes", null)];
        await RunAsync("CleanupDefunctSiloEntryKey", [.. Captured(old.AddSeconds(1))]);
        Assert.Equal(new[] { 1, 2, 3, 4 }, await PortsAsync());
        await RunAsync("CleanupDefunctSiloEntryKey", [.. Captured(old)]);
        Assert.Equal(new[] { 1, 2, 3 }, await PortsAsync());

        await RunAsync("CleanupDefunctSiloEntriesKey", Text("DeploymentId", cluster), Time("IAmAliveTime", old.AddHours(1)));
        Assert.Equal(new[] { 2, 3 }, await PortsAsync());

        await RunAsync("DeleteMembershipTableEntriesKey", Text("DeploymentId", cluster));
        Assert.Empty(await RunAsync("MembershipReadAllKey", Text("DeploymentId", cluster)));

        async Task<int[]> PortsAsync() =>
            [.. (await RunAsync("MembershipReadAllKey", Text("DeploymentId", cluster))).Select(r => (int)r["Port"]!).Order()];
    }

    [Fact]
    public async Task Reminder_upsert_answers_the_version_and_range_reads_compare_signed_hashes_with_wrap_around()
    {
        foreach (var (grain, hash) in new[] { ("g-neg", -100), ("g-zero", 0), ("g-pos", 100) })
        {
            Assert.Equal(0, Convert.ToInt32((await RunAsync("UpsertReminderRowKey", [.. Reminder("range", grain, "r"), Int("GrainHash", hash)])).Single()["Version"]));
        }

        async Task<string[]> Grains(string key, int begin, int end) =>
            [.. (await RunAsync(key, Text("ServiceId", "range"), Int("BeginHash", begin), Int("EndHash", end))).Select(r => (string)r["GrainId"]!).Order()];

        Assert.Equal(["g-pos", "g-zero"], await Grains("ReadRangeRows1Key", -50, 100));
        Assert.Equal(["g-neg", "g-pos"], await Grains("ReadRangeRows2Key", 50, -50));
    }

    [Fact]
    public async Task Reminder_delete_answers_whether_the_version_matched()
    {
        var start = Utc(2026, 3, 1, 12, 0, 0);
        await RunAsync("UpsertReminderRowKey", [.. Reminder("delete", "g", "r", start), Int("GrainHash", 1)]);
        var again = await RunAsync("UpsertReminderRowKey", [.. Reminder("delete", "g", "r", start.AddDays(1), periodMs: 5_000_000_000), Int("GrainHash", 1)]);
        Assert.Equal(1, Convert.ToInt32(again.Single()["Version"]));

        var read = (await RunAsync("ReadReminderRowKey", Text("ServiceId", "delete"), Text("GrainId", "g"), Text("ReminderName", "r"))).Single();
        Assert.Equal((start.AddDays(1), 5_000_000_000L, 1), ((DateTime)read["StartTime"]!, (long)read["Period"]!, Convert.ToInt32(read["Version"])));

        Task<bool> Delete(int version) => BoolAsync("DeleteReminderRowKey",
            Text("ServiceId", "delete"), Text("GrainId", "g"), Text("ReminderName", "r"), Int("Version", version));
        Assert.False(await Delete(0));
        Assert.True(await Delete(1));
        Assert.False(await Delete(1));
        Assert.Empty(await RunAsync("ReadReminderRowsKey", Text("ServiceId", "delete"), Text("GrainId", "g")));
    }

    [Fact]
    public async Task Grain_storage_writes_check_the_version_and_clear_keeps_the_row_without_payload()
    {
        Task<int?> Write(int? version, string text, string? extension = null) =>
            NewVersionAsync("WriteToStorageKey", version, extension, ("PayloadBinary", System.Text.Encoding.UTF8.GetBytes(text), DbType.Binary));

        Assert.Equal(1, await Write(null, "a"));
        Assert.Null(await Write(null, "again as new"));
        Assert.Equal(2, await Write(1, "b"));
        Assert.Null(await Write(1, "stale"));
        Assert.Equal(1, await Write(null, "same grain, other key extension", extension: "ext"));

        var read = (await RunAsync("ReadFromStorageKey", GrainKey(null))).Single();
        Assert.Equal("b"u8.ToArray(), (byte[])read["PayloadBinary"]!);
        Assert.Equal(2, (int)read["Version"]!);

        Assert.Null(await NewVersionAsync("ClearStorageKey", 1, null));
        Assert.Equal(3, await NewVersionAsync("ClearStorageKey", 2, null));
        read = (await RunAsync("ReadFromStorageKey", GrainKey(null))).Single();
        Assert.Equal((null, 3), (read["PayloadBinary"], (int)read["Version"]!));

        Assert.Null(await NewVersionAsync("DeleteStorageKey", 2, null));
        Assert.Equal(4, await NewVersionAsync("DeleteStorageKey", 3, null));
        Assert.Empty(await RunAsync("ReadFromStorageKey", GrainKey(null)));
        Assert.Single(await RunAsync("ReadFromStorageKey", GrainKey("ext")));
    }

    [Fact]
    public async Task Grain_storage_lets_only_one_of_two_concurrent_first_writes_in()
    {
        var writes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            NewVersionAsync("WriteToStorageKey", null, "race", ("PayloadBinary", new[] { (byte)i }, DbType.Binary)), Ct)));

        Assert.Equal(1, writes.Count(version => version == 1));
        Assert.Equal(7, writes.Count(version => version is null));
    }

    private async Task<int?> NewVersionAsync(string key, int? version, string? extension, params (string, object?, DbType)[] extra)
    {
        var rows = await RunAsync(key, [.. GrainKey(extension), ("GrainStateVersion", version, DbType.Int32), .. extra]);
        return (int?)rows.SingleOrDefault()?["NewGrainStateVersion"];
    }

    /// <summary>One grain's key, bound as the ADO.NET storage provider binds it.</summary>
    private static (string, object?, DbType)[] GrainKey(string? extension) =>
        [("GrainIdHash", 11, DbType.Int32), ("GrainIdN0", 0L, DbType.Int64), ("GrainIdN1", 42L, DbType.Int64), ("GrainTypeHash", 22, DbType.Int32),
         Text("GrainTypeString", "note"), Text("GrainIdExtensionString", extension), Text("ServiceId", "svc")];

    private static (string, object?, DbType)[] Silo(string cluster, int port, int generation) =>
        [Text("DeploymentId", cluster), ("Address", "127.0.0.1", DbType.AnsiString), Int("Port", port), Int("Generation", generation)];

    private static (string, object?, DbType)[] NewSilo(string name, DateTime time, int proxyPort = 30000) =>
        [Text("SiloName", name), Text("HostName", "host"), Int("Status", Active), Int("ProxyPort", proxyPort),
         Time("StartTime", time), Time("IAmAliveTime", time)];

    private static (string, object?, DbType)[] Change(int status, string? suspectTimes, DateTime time) =>
        [Int("Status", status), Text("SuspectTimes", suspectTimes), Time("IAmAliveTime", time)];

    private static (string, object?, DbType)[] Reminder(string service, string grain, string name, DateTime? start = null, long periodMs = 60_000) =>
        [Text("ServiceId", service), ("GrainId", grain, DbType.AnsiString), Text("ReminderName", name), Time("StartTime", start ?? DateTime.UtcNow),
         periodMs <= int.MaxValue ? Int("Period", (int)periodMs) : ("Period", periodMs, DbType.Int64)];

    // The DbTypes Orleans' ADO.NET layer sets from the CLR type, also on NULL values.
    private static (string, object?, DbType) Text(string name, string? value) => (name, value, DbType.String);
    private static (string, object?, DbType) Int(string name, int value) => (name, value, DbType.Int32);
    private static (string, object?, DbType) Time(string name, DateTime value) => (name, value, DbType.DateTime);

    private static DateTime Utc(int year, int month, int day, int hour, int minute, int second) =>
        new(year, month, day, hour, minute, second, DateTimeKind.Utc);

    private async Task<bool> BoolAsync(string queryKey, params (string, object?, DbType)[] parameters)
    {
        var row = (await RunAsync(queryKey, parameters)).Single();
        return Convert.ToBoolean(Assert.Single(row.Values));
    }

    /// <summary>Runs a stored Orleans query and returns the rows of all its result sets, by column name.</summary>
    private async Task<List<Dictionary<string, object?>>> RunAsync(string queryKey, params (string Name, object? Value, DbType Type)[] parameters)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var lookup = new NpgsqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", connection);
        lookup.Parameters.AddWithValue("key", queryKey);
        await using var command = new NpgsqlCommand((string)(await lookup.ExecuteScalarAsync(Ct))!, connection);
        foreach (var (name, value, type) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { ParameterName = name, Value = value ?? DBNull.Value, DbType = type });
        }

        var rows = new List<Dictionary<string, object?>>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        do
        {
            while (await reader.ReadAsync(Ct))
            {
                // PostgreSQL folds unquoted names to lower case; the providers look columns up ignoring case.
                var row = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row[reader.GetName(i)] = await reader.IsDBNullAsync(i, Ct) ? null : reader.GetValue(i);
                }

                rows.Add(row);
            }
        }
        while (await reader.NextResultAsync(Ct));

        return rows;
    }

    private static async Task<List<T>> ColumnAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var values = new List<T>();
        while (await reader.ReadAsync(Ct))
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }
}
