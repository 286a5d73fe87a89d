using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Handlers;
using OrleansJobs.Handlers.BuiltIn;
using Xunit;

namespace OrleansJobs.Tests.Grains.Handlers;

[Trait("Kind", "Unit")]
public sealed class JobHandlerRegistryTests
{
    [Fact]
    public void Registered_types_are_known_case_sensitively()
    {
        var registry = new ServiceCollection().AddJobHandler<CountingHandler>("report.v2").BuildServiceProvider().GetRequiredService<JobHandlerRegistry>();

        Assert.Equal(["report.v2"], registry.Types);
        Assert.True(registry.IsKnown("report.v2"));
        Assert.False(registry.IsKnown("Report.v2"));
    }

    [Fact]
    public void Built_in_handlers_are_delay_http_and_noop()
    {
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddBuiltInJobHandlers()
            .BuildServiceProvider(validateScopes: true);
        using var scope = services.CreateScope();
        var registry = services.GetRequiredService<JobHandlerRegistry>();

        Assert.Equal(["delay", "http", "noop"], registry.Types);
        Assert.IsType<DelayJobHandler>(registry.Resolve(scope.ServiceProvider, "delay"));
        Assert.IsType<HttpJobHandler>(registry.Resolve(scope.ServiceProvider, "http"));
        Assert.IsType<NoopJobHandler>(registry.Resolve(scope.ServiceProvider, "noop"));
    }

    [Fact]
    public void A_typed_handler_has_its_payload_type_recorded_and_an_untyped_one_none()
    {
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddBuiltInJobHandlers()
            .AddJobHandler<CountingHandler>("count")
            .BuildServiceProvider();
        var registry = services.GetRequiredService<JobHandlerRegistry>();

        Assert.Equal(typeof(DelayPayload), registry.PayloadType("delay"));
        Assert.Equal(typeof(HttpPayload), registry.PayloadType("http"));
        Assert.Null(registry.PayloadType("noop"));
        Assert.Null(registry.PayloadType("count"));
        Assert.Null(registry.PayloadType("gone"));
    }

    [Fact]
    public void Each_scope_gets_its_own_handler()
    {
        using var services = new ServiceCollection().AddJobHandler<CountingHandler>("count").BuildServiceProvider(validateScopes: true);
        var registry = services.GetRequiredService<JobHandlerRegistry>();
        using var first = services.CreateScope();
        using var second = services.CreateScope();

        var handler = registry.Resolve(first.ServiceProvider, "count");

        Assert.IsType<CountingHandler>(handler);
        Assert.Same(handler, registry.Resolve(first.ServiceProvider, "count"));
        Assert.NotSame(handler, registry.Resolve(second.ServiceProvider, "count"));
    }

    [Fact]
    public void Resolving_an_unknown_type_fails_the_job_and_names_the_known_types()
    {
        using var services = new ServiceCollection().AddJobHandler<CountingHandler>("count").BuildServiceProvider();
        using var scope = services.CreateScope();

        var error = Assert.Throws<JobFailedException>(() => services.GetRequiredService<JobHandlerRegistry>().Resolve(scope.ServiceProvider, "gone"));

        Assert.False(error.Retryable);
        Assert.Contains("'gone'", error.Message);
        Assert.Contains("count", error.Message);
    }

    [Fact]
    public void A_type_registered_twice_is_rejected()
    {
        var services = new ServiceCollection().AddJobHandler<CountingHandler>("count");

        var error = Assert.Throws<InvalidOperationException>(() => services.AddJobHandler<NoopJobHandler>("count"));

        Assert.Contains("'count' is already registered", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Delay")]
    [InlineData("send email")]
    [InlineData("reports/monthly")]
    [InlineData("émail")]
    public void Invalid_type_names_are_rejected(string type) =>
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddJobHandler<CountingHandler>(type));

    [Fact]
    public void Type_names_are_limited_to_100_characters()
    {
        new ServiceCollection().AddJobHandler<CountingHandler>(new string('a', 100));

        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddJobHandler<CountingHandler>(new string('a', 101)));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("report.v2")]
    [InlineData("send_email-1")]
    public void Valid_type_names_are_accepted(string type) => Assert.True(JobHandlerRegistry.IsValidTypeName(type));

    private sealed class CountingHandler : IJobHandler
    {
        public Task<JsonNode?> ExecuteAsync(JobContext context) => Task.FromResult<JsonNode?>(1);
    }
}
