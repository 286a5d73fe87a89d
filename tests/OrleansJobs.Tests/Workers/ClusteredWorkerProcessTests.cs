using System.Text.Json;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Workers;

/// <summary>
/// External workers against a cluster of two silo processes on a real PostgreSQL database: a worker may talk to any
/// silo, whichever one the job was submitted to, and a killed worker's job moves on to a worker at the other silo.
/// </summary>
[Trait("Kind", "Process")]
public sealed class ClusteredWorkerProcessTests
{
    private const string Type = "ext.steps";

    [Fact]
    public async Task Workers_at_either_silo_take_a_job_and_a_killed_workers_job_ends_on_the_other_silo_once()
    {
        await using var database = new PostgresFixture();
        await database.InitializeAsync();
        var silos = await ClusterSilos.StartClusterAsync(database.ConnectionString, 2, $"--OrleansJobs:Workers:Types:0={Type}");
        try
        {
            var (entry, other) = (silos[0], silos[1]);
            var id = await ProcessApi.SubmitAsync(entry.Http, new { type = Type, payload = new { steps = 12, seconds = 0.5 } });

            await using var first = WorkerProcess.Start("python", other, "c-killed", Type);
            await WorkerJobs.UntilAsync(entry, id, job => job.GetProperty("progress").ValueKind == JsonValueKind.Object, "the worker at the other silo never reported progress");
            first.Kill();

            await using var second = WorkerProcess.Start("node", entry, "c-second", Type);
            var done = await WorkerJobs.UntilAsync(other, id, job => job.GetProperty("status").GetString() == "Succeeded", "the job did not succeed on the second worker");
            Assert.Equal(["Lost", "Succeeded"], ProcessApi.Outcomes(done));
            Assert.Equal(["c-killed", "c-second"], done.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("worker").GetString() ?? "").ToArray());
            Assert.Equal("c-second", done.GetProperty("result").GetProperty("worker").GetString());
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
        }
    }
}
