using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansJobs.Client;
using OrleansJobs.Server.InProcess;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.DependencyInjection;

/// <summary>
/// Which <see cref="IJobClient"/> an application gets when it hosts the service and also registers the HTTP client:
/// both registrations try to add one, and the first one made wins. The hosts are built, not started.
/// </summary>
[Trait("Kind", "Silo")]
public sealed class JobClientRegistrationTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("orleansjobs-registration-").FullName;
    private readonly Uri _address = new("http://127.0.0.1:5999/");

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private WebApplicationBuilder NewBuilder() => WebApplication.CreateBuilder(SiloHostFixture.Arguments(_address, _data));

    [Fact]
    public async Task A_host_of_the_service_gets_the_in_process_client_even_with_the_HTTP_client_registered_after()
    {
        var builder = NewBuilder();
        builder.AddOrleansJobs();
        builder.Services.AddOrleansJobsClient(options => options.BaseAddress = _address);
        await using var app = builder.Build();

        Assert.IsType<InProcessJobClient>(app.Services.GetRequiredService<IJobClient>());
        Assert.IsType<OrleansJobsClient>(app.Services.GetRequiredService<IOrleansJobsClient>());
    }

    [Fact]
    public async Task An_app_that_registered_the_HTTP_client_first_keeps_it_for_IJobClient()
    {
        var builder = NewBuilder();
        builder.Services.AddOrleansJobsClient(options => options.BaseAddress = _address);
        builder.AddOrleansJobs();
        await using var app = builder.Build();

        Assert.IsType<OrleansJobsClient>(app.Services.GetRequiredService<IJobClient>());
    }
}
