using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Client;
using OrleansJobs.Jobs;
using JobServiceUnavailableException = OrleansJobs.Client.JobServiceUnavailableException;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Client;

/// <summary>A silo of its own, since a drain cannot be undone: the shared one must keep taking jobs.</summary>
[Trait("Kind", "Silo")]
public sealed class DrainingSiloClientTests
{
    [Fact]
    public async Task Submit_to_a_draining_silo_is_service_unavailable_with_its_retry_after()
    {
        await using var silo = new SiloHostFixture();
        await silo.InitializeAsync();
        silo.Services.GetRequiredService<JobRunner>().BeginDrain();
        var client = new OrleansJobsClient(silo.Http);

        var error = await Assert.ThrowsAsync<JobServiceUnavailableException>(() =>
            client.SubmitAsync("noop", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), error.RetryAfter);
        Assert.Contains("shutting down", error.Detail);
    }
}
