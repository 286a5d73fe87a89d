using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansJobs.Client;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Workers;

/// <summary>
/// <c>PUT /api/job-types/{type}</c> with <c>{"external": true}</c> makes a type external without a configuration change:
/// on SQLite it survives a restart of the silo process, and on a two-silo PostgreSQL cluster a type declared through one
/// silo is taken by a submit on the other, waits Queued, and is leased by a worker. The .NET worker of the client
/// library runs in the test process as that worker.
/// </summary>
[Trait("Kind", "Process")]
public sealed class ExternalJobTypeProcessTests
{
    private const string Type = "ext.declared";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static OrleansJobsWorkerOptions Worker(string name) =>
        new OrleansJobsWorkerOptions { Name = name, PollWait = TimeSpan.FromSeconds(2) }
            .Handle(Type, (lease, _, _) => Task.FromResult<object?>(new { worker = name, job = lease.Id }));

    private static async Task<bool> ListedExternalAsync(OrleansJobsClient client) =>
        (await client.ListJobTypesAsync(Token)).Any(t => t.Type == Type && t.External);

    private static async Task<HttpResponseMessage> PutAsync(SiloProcess silo, string type, object body) =>
        await silo.Http.PutAsJsonAsync($"/api/job-types/{type}", body, Token);

    [Fact]
    public async Task A_type_declared_external_on_SQLite_is_leased_survives_a_restart_and_can_be_taken_back()
    {
        var data = Directory.CreateTempSubdirectory("orleansjobs-external-").FullName;
        SiloProcess? silo = await SiloProcess.StartReadyAsync(new SiloProcessOptions { DataDirectory = data });
        try
        {
            await using (var client = new OrleansJobsClient(silo.Http))
            {
                Assert.False(await ListedExternalAsync(client));
                await Assert.ThrowsAsync<JobValidationException>(() => client.SubmitAsync(Type, cancellationToken: Token));

                var declared = await client.SetJobTypeExternalAsync(Type, external: true, Token);
                Assert.True(declared.External);
                Assert.True(await ListedExternalAsync(client));
                var job = await client.SubmitAsync(Type, cancellationToken: Token);
                Assert.Equal(JobStatus.Queued, job.Status);

                using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
                var worker = client.RunWorkerAsync(Worker("w-declared"), stop.Token);
                var done = await client.WaitForCompletionAsync(job.Id, Settle, Token);
                Assert.Equal(JobStatus.Succeeded, done.Status);
                Assert.Equal("w-declared", done.Attempts.Single().Worker);
                await stop.CancelAsync();
                await worker.WaitAsync(Settle, Token);
            }

            await silo.TerminateAsync(TimeSpan.FromSeconds(30));
            await silo.DisposeAsync();
            silo = null;
            silo = await SiloProcess.StartReadyAsync(new SiloProcessOptions { DataDirectory = data });
            await using (var client = new OrleansJobsClient(silo.Http))
            {
                Assert.True(await ListedExternalAsync(client), "the declaration did not survive the restart");

                var takenBack = await client.SetJobTypeExternalAsync(Type, external: false, Token);
                Assert.False(takenBack.External);
                Assert.False(await ListedExternalAsync(client));
                await Assert.ThrowsAsync<JobValidationException>(() => client.SubmitAsync(Type, cancellationToken: Token));
            }
        }
        finally
        {
            if (silo is not null) await silo.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Bad_declarations_are_problem_details_and_a_type_with_a_handler_or_a_configured_one_is_a_409()
    {
        await using var silo = await SiloProcess.StartReadyAsync("--OrleansJobs:Workers:Types:0=ext.configured");
        (string Type, object Body, HttpStatusCode Status)[] cases =
        [
            ("noop", new { external = true }, HttpStatusCode.Conflict),                // served by an in-process handler
            ("ext.configured", new { external = false }, HttpStatusCode.Conflict),     // external by configuration
            ("Not A Type", new { external = true }, HttpStatusCode.BadRequest),
            (Type, new { }, HttpStatusCode.BadRequest),
            (Type, new { external = "yes" }, HttpStatusCode.BadRequest),
            (Type, new { external = true, surprise = 1 }, HttpStatusCode.BadRequest),
        ];
        foreach (var (type, body, status) in cases)
        {
            using var response = await PutAsync(silo, type, body);
            Assert.True(status == response.StatusCode, $"PUT {type} {JsonSerializer.Serialize(body)}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        await using var client = new OrleansJobsClient(silo.Http);
        var types = await client.ListJobTypesAsync(Token);
        Assert.False(types.Single(t => t.Type == "noop").External);
        Assert.True(types.Single(t => t.Type == "ext.configured").External);
        Assert.DoesNotContain(types, t => t.Type == Type);
    }

    [Fact]
    public async Task On_a_PostgreSQL_cluster_a_type_declared_through_one_silo_is_submitted_on_the_other_and_leased_by_a_worker()
    {
        await using var database = new PostgresFixture();
        await database.InitializeAsync();
        var silos = await ClusterSilos.StartClusterAsync(database.ConnectionString, 2);
        try
        {
            var (entry, other) = (silos[0], silos[1]);
            await using var entryClient = new OrleansJobsClient(entry.Http);
            await using var otherClient = new OrleansJobsClient(other.Http);
            Assert.True((await entryClient.SetJobTypeExternalAsync(Type, external: true, Token)).External);

            // The other silo follows within its refresh interval (2 s by default).
            await Eventually.Until(() => ListedExternalAsync(otherClient), Settle, TimeSpan.FromMilliseconds(200), "the other silo never listed the type as external");
            var job = await otherClient.SubmitAsync(Type, cancellationToken: Token);
            await Task.Delay(TimeSpan.FromSeconds(1), Token);
            Assert.Equal(JobStatus.Queued, (await otherClient.GetAsync(job.Id, Token)).Status);

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
            var worker = entryClient.RunWorkerAsync(Worker("w-cluster"), stop.Token);
            var done = await otherClient.WaitForCompletionAsync(job.Id, Settle, Token);
            Assert.Equal(JobStatus.Succeeded, done.Status);
            Assert.Equal("w-cluster", done.Result!.Value.GetProperty("worker").GetString());
            Assert.Equal([AttemptOutcome.Succeeded], done.Attempts.Select(a => a.Outcome));
            await stop.CancelAsync();
            await worker.WaitAsync(Settle, Token);
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
        }
    }
}
