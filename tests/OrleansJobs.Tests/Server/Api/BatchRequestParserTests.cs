using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Batches;
using OrleansJobs.Handlers;
using OrleansJobs.Handlers.BuiltIn;
using OrleansJobs.Jobs;
using OrleansJobs.Server.Api;

namespace OrleansJobs.Tests.Server.Api;

[Trait("Kind", "Unit")]
public sealed class BatchRequestParserTests
{
    private static readonly JobHandlerRegistry Handlers = new ServiceCollection()
        .AddJobHandler<NoopJobHandler>("noop")
        .BuildServiceProvider()
        .GetRequiredService<JobHandlerRegistry>();

    private readonly BatchRequestParser parser = new(new SubmitRequestParser(Handlers, new JobServiceOptions { MaxPayloadBytes = 64 }, new HttpJobOptions()));

    private BatchParseResult Parse(string json) => parser.Parse(Encoding.UTF8.GetBytes(json), correlationId: "corr-1");

    [Fact]
    public void Members_and_continuation_are_read_as_submit_bodies()
    {
        var batch = Parse("""{"jobs":[{"type":"noop","priority":3,"labels":["nightly"]},{"type":"noop","dependsOn":["job_0000000000000000000000000000000a"],"onDependencyFailure":"cancel"}],"continuation":{"type":"noop","payload":{"a":1}}}""");

        Assert.Empty(batch.Errors);
        Assert.Equal(2, batch.Jobs!.Count);
        Assert.Equal(3, batch.Jobs[0].Priority);
        Assert.Equal(["nightly"], batch.Jobs[0].Labels);
        Assert.Equal(["job_0000000000000000000000000000000a"], batch.Jobs[1].DependsOn);
        Assert.Equal(DependencyFailure.Cancel, batch.Jobs[1].OnDependencyFailure);
        Assert.Equal("""{"a":1}""", batch.Continuation!.Payload);
        Assert.All(batch.Jobs, j => Assert.Equal("corr-1", j.CorrelationId));
    }

    [Fact]
    public void Errors_name_the_member_by_its_place()
    {
        var batch = Parse("""{"jobs":[{"type":"noop"},"not an object",{"type":"noop","maxAttempts":0,"labels":["ok","not ok"]}],"continuation":{"type":"noop","dependsOn":["job_0000000000000000000000000000000a"]},"extra":1}""");

        Assert.Null(batch.Jobs);
        Assert.Contains("jobs[1]", batch.Errors.Keys);
        Assert.Contains("jobs[2].maxAttempts", batch.Errors.Keys);
        Assert.Contains("jobs[2].labels[1]", batch.Errors.Keys);
        Assert.Contains("continuation.dependsOn", batch.Errors.Keys);
        Assert.Contains("extra", batch.Errors.Keys);
    }

    [Theory]
    [InlineData("""{}""", "jobs")]
    [InlineData("""{"jobs":[]}""", "jobs")]
    [InlineData("""{"jobs":{"type":"noop"}}""", "jobs")]
    [InlineData("""[]""", "$")]
    [InlineData("""{"jobs":[{"type":"noop","idempotencyKey":"k"}]}""", "jobs[0].idempotencyKey")]
    public void A_batch_without_proper_jobs_is_refused(string json, string field) =>
        Assert.Contains(field, Parse(json).Errors.Keys);

    [Fact]
    public void More_members_than_the_limit_are_refused()
    {
        var json = "{\"jobs\":[" + string.Join(",", Enumerable.Repeat("""{"type":"noop"}""", BatchLimits.MaxMembers + 1)) + "]}";
        Assert.Contains("jobs", Parse(json).Errors.Keys);
    }

    [Fact]
    public void A_member_payload_over_the_limit_is_too_large_naming_the_member()
    {
        var batch = Parse("{\"jobs\":[{\"type\":\"noop\"},{\"type\":\"noop\",\"payload\":\"" + new string('x', 100) + "\"}]}");
        Assert.StartsWith("jobs[1]:", batch.PayloadTooLarge);
    }

    [Fact]
    public void Malformed_json_is_reported_as_such() => Assert.NotNull(Parse("{").MalformedJson);
}
