namespace OrleansJobs.Bench.Compare;

public sealed partial class Benchmark
{
    /// <summary>
    /// The database floor (issue 23, targets 1 and 3): what the PostgreSQL server spends a job on, alone, for the
    /// store's batches (<see cref="DatabaseFloor"/>), on the job table as shipped and on the same table with its primary
    /// key only, at about W1's batch size (3 jobs a commit) and at 8; per round every combination in turn, each on an
    /// empty table; the least CPU of each shown, as elsewhere: this machine's noise only ever adds.
    /// </summary>
    private async Task FloorAsync()
    {
        var readings = new List<DatabaseFloor.Reading>();
        for (var round = 1; round <= settings.FloorRounds; round++)
        {
            foreach (var jobsPerCommit in FloorBatchSizes)
            {
                foreach (var primaryKeyOnly in new[] { false, true })
                {
                    var reading = await DatabaseFloor.MeasureAsync(databases, databases.Floor, primaryKeyOnly, jobsPerCommit,
                        settings.FloorWarmUp, settings.FloorDuration, cancellationToken);
                    readings.Add(reading);
                    Progress($"Floor round {round}, {FloorTable(primaryKeyOnly)}, {jobsPerCommit} jobs a commit: {reading.JobsPerSecond:N0} jobs/s, " +
                             $"server CPU {reading.ServerCpuMsPerJob:N3} ms a job, WAL {reading.WalBytesPerJob:N0} bytes a job");
                }
            }
        }

        const string oj = ResultTable.OrleansJobs;
        foreach (var group in readings.GroupBy(r => (r.JobsPerCommit, r.PrimaryKeyOnly)))
        {
            var (jobsPerCommit, primaryKeyOnly) = group.Key;
            var name = $"{FloorTable(primaryKeyOnly)}, {jobsPerCommit} jobs a commit";
            table.Set("W1", $"database floor: server CPU per job, {name} (ms; least of {group.Count()})", oj, Cell.Fine(group.Min(r => r.ServerCpuMsPerJob)));
            table.Set("W1", $"database floor: pgbench jobs/s over one connection, {name} (best)", oj, Cell.Of(group.Max(r => r.JobsPerSecond)));
            table.Set("W1", $"database floor: WAL per job, {name} (bytes; least)", oj, Cell.Of(group.Min(r => r.WalBytesPerJob)));
        }
    }

    /// <summary>About W1's (0.3 commits a job: a batch holds some three jobs' inserts and as many updates), and what a busier store batches.</summary>
    private static readonly int[] FloorBatchSizes = [3, 8];

    private static string FloorTable(bool primaryKeyOnly) => primaryKeyOnly ? "primary key only" : "job table as shipped";
}
