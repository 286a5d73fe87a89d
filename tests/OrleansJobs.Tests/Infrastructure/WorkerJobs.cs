using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>Reading a job while external worker processes run it.</summary>
public static class WorkerJobs
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    public static async Task<JsonElement> GetAsync(SiloProcess silo, string id) =>
        await silo.Http.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}", TestContext.Current.CancellationToken);

    /// <summary>Polls the job until <paramref name="done"/> accepts it; the timeout's message shows the job as last read.</summary>
    public static async Task<JsonElement> UntilAsync(SiloProcess silo, string id, Func<JsonElement, bool> done, string message)
    {
        var job = default(JsonElement);
        try
        {
            await Eventually.Until(async () => done(job = await GetAsync(silo, id)), Settle, TimeSpan.FromMilliseconds(200), message);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; the job: {job}", ex);
        }
        return job;
    }
}
