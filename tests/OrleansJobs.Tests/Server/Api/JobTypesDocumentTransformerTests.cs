using System.Net;
using OrleansJobs.Tests.Infrastructure;
using static OrleansJobs.Tests.Infrastructure.JobApi;

namespace OrleansJobs.Tests.Server.Api;

[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class JobTypesDocumentTransformerTests(SiloHostFixture host)
{
    [Fact]
    public async Task The_openapi_document_has_each_typed_types_payload_schema_and_lists_every_type()
    {
        var (response, document) = await host.Http.GetJsonAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var delay = document.GetProperty("components").GetProperty("schemas").GetProperty("JobPayload.delay");
        Assert.Equal(["duration", "failAttempts", "steps"], delay.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        var steps = delay.GetProperty("properties").GetProperty("steps");
        Assert.Equal(1, steps.GetProperty("minimum").GetInt32());
        Assert.Equal(10_000, steps.GetProperty("maximum").GetInt32());
        var http = document.GetProperty("components").GetProperty("schemas").GetProperty("JobPayload.http");
        Assert.Equal(["url"], http.GetProperty("required").EnumerateArray().Select(r => r.GetString()));

        var types = document.GetProperty("x-job-types");
        Assert.Equal("#/components/schemas/JobPayload.delay", types.GetProperty("delay").GetProperty("payload").GetProperty("$ref").GetString());
        Assert.Equal("#/components/schemas/JobPayload.greet", types.GetProperty("greet").GetProperty("payload").GetProperty("$ref").GetString());
        Assert.Empty(types.GetProperty("noop").EnumerateObject());
    }
}
