using OrleansJobs.Handlers;
using OrleansJobs.Handlers.BuiltIn;
using Xunit;

namespace OrleansJobs.Tests.Grains.Handlers;

/// <summary>What the submit path refuses in the payloads of the built-in <c>delay</c> and <c>http</c> types.</summary>
[Trait("Kind", "Unit")]
public sealed class BuiltInPayloadTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("""{ "duration": "00:00:04", "steps": 4, "failAttempts": 2 }""")]
    [InlineData("""{ "duration": "PT0S", "steps": 10000 }""")]
    [InlineData("""{ "duration": "30.00:00:00" }""")]
    public void Delay_payloads_within_the_limits_pass(string? json) =>
        Assert.True(JobPayloadBinder.TryBind(typeof(DelayPayload), json, out _, out _));

    [Theory]
    [InlineData("""{ "duration": "soon" }""", "payload.duration")]
    [InlineData("""{ "duration": "-00:00:01" }""", "payload.duration")]
    [InlineData("""{ "duration": "30.00:00:01" }""", "payload.duration")]
    [InlineData("""{ "duration": 5 }""", "payload.duration")]
    [InlineData("""{ "steps": 0 }""", "payload.steps")]
    [InlineData("""{ "steps": 10001 }""", "payload.steps")]
    [InlineData("""{ "failAttempts": -1 }""", "payload.failAttempts")]
    [InlineData("[1, 2]", "payload")]
    public void Delay_payloads_out_of_bounds_are_refused_naming_the_field(string json, string field) =>
        AssertRefused<DelayPayload>(json, field);

    [Theory]
    [InlineData("""{ "url": "https://api.example.com/hooks" }""")]
    [InlineData("""{ "url": "http://127.0.0.1:5005/", "method": "patch", "timeout": "1.00:00:00" }""")]
    [InlineData("""{ "url": "http://127.0.0.1/", "headers": { "Content-Type": "text/plain", "X-Tenant": "acme" }, "body": "hi" }""")]
    public void Http_payloads_that_describe_a_call_pass(string json) =>
        Assert.True(JobPayloadBinder.TryBind(typeof(HttpPayload), json, out _, out var errors), string.Join("; ", errors.Keys));

    [Theory]
    [InlineData(null, "payload.url")]
    [InlineData("""{ "method": "GET" }""", "payload.url")]
    [InlineData("""{ "url": "/relative" }""", "payload.url")]
    [InlineData("""{ "url": "ftp://127.0.0.1/file" }""", "payload.url")]
    [InlineData("""{ "url": "http://127.0.0.1/", "method": "NOT A METHOD" }""", "payload.method")]
    [InlineData("""{ "url": "http://127.0.0.1/", "timeout": "0:00:00" }""", "payload.timeout")]
    [InlineData("""{ "url": "http://127.0.0.1/", "timeout": "2.00:00:00" }""", "payload.timeout")]
    [InlineData("""{ "url": "http://127.0.0.1/", "headers": { "Content-Type": "text/plain" } }""", "payload.headers")]
    [InlineData("""{ "url": "http://127.0.0.1/", "headers": { "X-Count": 1 } }""", "payload.headers.X-Count")]
    public void Http_payloads_that_cannot_be_called_are_refused_naming_the_field(string? json, string field) =>
        AssertRefused<HttpPayload>(json, field);

    [Theory]
    [InlineData("Host")]
    [InlineData("host")]
    [InlineData("Connection")]
    [InlineData("Keep-Alive")]
    [InlineData("Transfer-Encoding")]
    [InlineData("TE")]
    [InlineData("Upgrade")]
    [InlineData("Proxy-Authorization")]
    [InlineData("Content-Length")]
    public void Http_payloads_cannot_set_host_or_hop_by_hop_headers(string header) =>
        AssertRefused<HttpPayload>($$"""{ "url": "http://127.0.0.1/", "headers": { "{{header}}": "x" }, "body": "hi" }""", "payload.headers");

    private static void AssertRefused<T>(string? json, string field)
    {
        Assert.False(JobPayloadBinder.TryBind(typeof(T), json, out _, out var errors));
        Assert.True(errors.ContainsKey(field), $"no error for '{field}' in: {string.Join("; ", errors.Keys)}");
    }
}
