using OrleansJobs.Storage;
using Xunit;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>
/// The Orleans query texts run directly, with the parameters the providers bind: covers the paths a single test silo
/// does not reach (hash-range reads, clear without delete, write conflicts).
/// </summary>
[Trait("Kind", "Store")]
public sealed class SqliteOrleansQueriesTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public async ValueTask InitializeAsync() => await SqliteSchema.ApplyAsync(_db.ConnectionString, TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync()
    {
        _db.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public void Reminder_range_reads_compare_signed_grain_hashes_and_handle_wrap_around()
    {
        foreach (var (grain, hash) in new[] { ("g-neg", -100), ("g-zero", 0), ("g-pos", 100) })
        {
            Run("UpsertReminderRowKey", ("ServiceId", "svc"), ("GrainId", grain), ("ReminderName", "r"),
                ("StartTime", DateTime.UtcNow), ("Period", 60_000), ("GrainHash", hash));
        }

        string[] Grains(string key, int begin, int end) =>
            [.. Run(key, ("ServiceId", "svc"), ("BeginHash", begin), ("EndHash", end)).Select(row => (string)row[0]!).Order()];

        Assert.Equal(["g-pos", "g-zero"], Grains("ReadRangeRows1Key", -50, 100));
        Assert.Equal(["g-neg", "g-pos"], Grains("ReadRangeRows2Key", 50, -50));
    }

    [Fact]
    public void Reminder_delete_answers_whether_the_version_matched()
    {
        var version = Run("UpsertReminderRowKey", ("ServiceId", "svc"), ("GrainId", "g"), ("ReminderName", "r"),
            ("StartTime", DateTime.UtcNow), ("Period", 60_000), ("GrainHash", 1)).Single().Single();

        bool Delete(object? etag) => Convert.ToBoolean(Run("DeleteReminderRowKey",
            ("ServiceId", "svc"), ("GrainId", "g"), ("ReminderName", "r"), ("Version", etag)).Single().Single());

        Assert.Equal(0L, version);
        Assert.False(Delete(5));
        Assert.True(Delete(0));
        Assert.False(Delete(0));
    }

    [Fact]
    public void Grain_storage_writes_check_the_version_and_clear_keeps_the_row_without_payload()
    {
        long? Write(int? version, string text) => NewVersion("WriteToStorageKey", version, ("PayloadBinary", System.Text.Encoding.UTF8.GetBytes(text)));

        Assert.Equal(1, Write(null, "a"));
        Assert.Null(Write(null, "again as new"));
        Assert.Equal(2, Write(1, "b"));
        Assert.Null(Write(1, "stale"));
        Assert.Equal(3, NewVersion("ClearStorageKey", 2));

        var read = Run("ReadFromStorageKey", Key()).Single();
        Assert.Equal((null, 3L), (read[0], read[1]));

        Assert.Null(NewVersion("DeleteStorageKey", 2));
        Assert.Equal(4, NewVersion("DeleteStorageKey", 3));
        Assert.Empty(Run("ReadFromStorageKey", Key()));
    }

    private long? NewVersion(string key, int? version, params (string, object?)[] extra) =>
        (long?)Run(key, [.. Key(), ("GrainStateVersion", version), .. extra]).SingleOrDefault()?.Single();

    /// <summary>The key of one grain with no key extension, bound as the ADO.NET storage provider binds it.</summary>
    private static (string, object?)[] Key() =>
        [("GrainIdHash", 11), ("GrainIdN0", 0L), ("GrainIdN1", 0L), ("GrainTypeHash", 22), ("GrainTypeString", "note"),
         ("GrainIdExtensionString", null), ("ServiceId", "svc")];

    /// <summary>Runs a stored Orleans query and returns the rows of all its result sets.</summary>
    private List<object?[]> Run(string queryKey, params (string Name, object? Value)[] parameters)
    {
        using var connection = _db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key";
        command.Parameters.AddWithValue("@key", queryKey);
        command.CommandText = (string)command.ExecuteScalar()!;
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var rows = new List<object?[]>();
        using var reader = command.ExecuteReader();
        do
        {
            while (reader.Read())
            {
                var row = new object?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                rows.Add(row);
            }
        }
        while (reader.NextResult());

        return rows;
    }
}
