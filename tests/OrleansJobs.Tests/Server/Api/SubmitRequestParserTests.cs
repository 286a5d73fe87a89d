using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Handlers;
using OrleansJobs.Handlers.BuiltIn;
using OrleansJobs.Jobs;
using OrleansJobs.Server.Api;
using Xunit;

namespace OrleansJobs.Tests.Server.Api;

[Trait("Kind", "Unit")]
public sealed partial class SubmitRequestParserTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static readonly JobHandlerRegistry Handlers = new ServiceCollection()
        .AddJobHandler<DelayJobHandler>("delay")
        .AddJobHandler<NoopJobHandler>("noop")
        .BuildServiceProvider()
        .GetRequiredService<JobHandlerRegistry>();

    private readonly SubmitRequestParser parser = new(Handlers,
        new JobServiceOptions { MaxPayloadBytes = 64, MaxTimeout = TimeSpan.FromDays(2), MaxRetryDelay = TimeSpan.FromHours(6) },
        new HttpJobOptions { AllowedHosts = { "example.com" } });

    [Fact]
    public void Only_type_is_required_and_everything_else_takes_its_default()
    {
        var spec = Valid("""{ "type": "noop" }""");

        Assert.Equal(new JobSpec { Type = "noop" }, spec);
        Assert.Equal(JobSpec.DefaultQueue, spec.Queue);
        Assert.Same(RetryPolicy.Default, spec.Retry);
    }

    [Fact]
    public void Every_field_of_the_contract_is_read()
    {
        var spec = Valid("""
            {
              "type": "delay",
              "payload": { "duration": "PT1S" },
              "queue": "reports.v2_eu-1",
              "priority": -5,
              "concurrencyKey": "tenant-42",
              "runAt": "2026-12-01T10:00:00+01:00",
              "maxAttempts": 5,
              "retry": { "initialDelay": "00:00:03", "maxDelay": "PT5M", "multiplier": 1.5, "jitter": false },
              "timeout": "00:30:00",
              "idempotencyKey": "order-1234-invoice",
              "correlationId": "corr-1",
              "callbackUrl": "https://example.com/hooks/jobs",
              "tags": { "tenant": "acme" }
            }
            """);

        Assert.Equal("""{ "duration": "PT1S" }""", spec.Payload);
        Assert.Equal("reports.v2_eu-1", spec.Queue);
        Assert.Equal(-5, spec.Priority);
        Assert.Equal("tenant-42", spec.ConcurrencyKey);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), spec.RunAt);
        Assert.Equal(TimeSpan.Zero, spec.RunAt?.Offset);
        Assert.Equal(5, spec.MaxAttempts);
        Assert.Equal(new RetryPolicy { InitialDelay = TimeSpan.FromSeconds(3), MaxDelay = TimeSpan.FromMinutes(5), Multiplier = 1.5, Jitter = false }, spec.Retry);
        Assert.Equal(TimeSpan.FromMinutes(30), spec.Timeout);
        Assert.Equal("order-1234-invoice", spec.IdempotencyKey);
        Assert.Equal("corr-1", spec.CorrelationId);
        Assert.Equal("https://example.com/hooks/jobs", spec.CallbackUrl);
        Assert.Equal(new Dictionary<string, string> { ["tenant"] = "acme" }, spec.Tags);
    }

    [Fact]
    public void The_payload_is_kept_as_raw_json_text()
    {
        Assert.Equal("""{ "a": [1, 2] }""", Valid("""{ "type": "noop", "payload": { "a": [1, 2] } }""").Payload);
        Assert.Equal("[1, 2, 3]", Valid("""{ "type": "noop", "payload": [1, 2, 3] }""").Payload);
        Assert.Equal("\"x\"", Valid("""{ "type": "noop", "payload": "x" }""").Payload);
        Assert.Equal("42", Valid("""{ "type": "noop", "payload": 42 }""").Payload);
    }

    [Fact]
    public void Null_fields_mean_their_defaults()
    {
        var spec = Valid("""{ "type": "noop", "payload": null, "queue": null, "retry": { "jitter": null }, "tags": null, "runAt": null }""");

        Assert.Equal(new JobSpec { Type = "noop" }, spec);
    }

    [Fact]
    public void Retry_fields_are_merged_over_the_default_policy()
    {
        var spec = Valid("""{ "type": "noop", "retry": { "multiplier": 3 } }""");

        Assert.Equal(RetryPolicy.Default with { Multiplier = 3 }, spec.Retry);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"noop\"")]
    [InlineData("null")]
    public void The_body_must_be_an_object(string body) =>
        Assert.Contains("must be a JSON object", Error(body, SubmitRequestParser.BodyField));

    // Found by the boundary fuzz (BoundaryFuzzTests): the parse took these and reading the string threw, a 500.
    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D })] // {"type":"<invalid UTF-8>"}
    [InlineData(new byte[] { 0x7B, 0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3A, 0x22, 0x5C, 0x75, 0x64, 0x38, 0x30, 0x30, 0x22, 0x7D })] // {"type":"\ud800"}
    public void A_string_that_is_not_text_is_malformed_json(byte[] body)
    {
        var result = parser.Parse(body);

        Assert.True(result.IsMalformedJson);
        Assert.Contains("not text", result.Detail);
    }

    [Fact]
    public void Malformed_json_is_reported_with_its_position()
    {
        var result = parser.Parse(Encoding.UTF8.GetBytes("""{ "type": "noop", """));

        Assert.True(result.IsMalformedJson);
        Assert.False(result.IsValid);
        Assert.Contains("BytePositionInLine", result.Detail);
    }

    [Fact]
    public void A_payload_over_the_limit_is_reported_apart_from_field_errors()
    {
        var atLimit = new string('x', 62);
        Assert.True(parser.Parse(Encoding.UTF8.GetBytes($$"""{ "type": "noop", "payload": "{{atLimit}}" }""")).IsValid);

        var result = parser.Parse(Encoding.UTF8.GetBytes($$"""{ "type": "nope", "payload": "{{atLimit}}x" }"""));

        Assert.True(result.IsPayloadTooLarge);
        Assert.Contains("65 bytes", result.Detail);
        Assert.Contains("64 bytes", result.Detail);
    }

    [Fact]
    public void A_missing_type_is_required()
    {
        Assert.Contains("required", Error("""{ }""", "type"));
        Assert.Contains("required", Error("""{ "type": null }""", "type"));
    }

    [Fact]
    public void An_unknown_type_lists_the_known_types()
    {
        Assert.Equal("Unknown job type 'Noop'. Known types: delay, noop.", Error("""{ "type": "Noop" }""", "type"));
    }

    [Theory]
    [InlineData("""{ "type": "delay", "payload": { "duration": "soon" } }""", "payload.duration")]
    [InlineData("""{ "type": "delay", "payload": { "steps": 0 } }""", "payload.steps")]
    [InlineData("""{ "type": "delay", "payload": { "steps": "many" } }""", "payload.steps")]
    [InlineData("""{ "type": "delay", "payload": { "failAttempts": -1 } }""", "payload.failAttempts")]
    [InlineData("""{ "type": "delay", "payload": "PT5S" }""", "payload")]
    public void A_typed_handlers_payload_is_bound_and_validated_naming_the_field(string body, string field) =>
        Assert.NotEmpty(Error(body, field));

    [Fact]
    public void A_bad_payload_is_reported_with_the_other_field_errors()
    {
        var result = parser.Parse(Encoding.UTF8.GetBytes("""{ "type": "delay", "payload": { "steps": 0 }, "priority": "high" }"""));

        Assert.Equal(["payload.steps", "priority"], result.Errors.Keys.Order());
    }

    [Fact]
    public void An_untyped_handlers_payload_is_taken_as_it_is()
    {
        Assert.Equal("""{ "anything": [1] }""", Valid("""{ "type": "noop", "payload": { "anything": [1] } }""").Payload);
    }

    [Theory]
    [InlineData("""{ "type": 7 }""", "type", "Expected a string, not a number.")]
    [InlineData("""{ "type": "noop", "queue": ["a"] }""", "queue", "Expected a string, not an array.")]
    [InlineData("""{ "type": "noop", "priority": "1" }""", "priority", "Expected an integer, not a string.")]
    [InlineData("""{ "type": "noop", "priority": 1.5 }""", "priority", "Expected an integer, not 1.5.")]
    [InlineData("""{ "type": "noop", "maxAttempts": true }""", "maxAttempts", "Expected an integer, not a boolean.")]
    [InlineData("""{ "type": "noop", "retry": "fast" }""", "retry", "Expected an object")]
    [InlineData("""{ "type": "noop", "retry": { "multiplier": "2" } }""", "retry.multiplier", "Expected a number, not a string.")]
    [InlineData("""{ "type": "noop", "retry": { "jitter": "yes" } }""", "retry.jitter", "Expected true or false, not a string.")]
    [InlineData("""{ "type": "noop", "retry": { "initialDelay": 2 } }""", "retry.initialDelay", "Expected a duration")]
    [InlineData("""{ "type": "noop", "timeout": 30 }""", "timeout", "Expected a duration")]
    [InlineData("""{ "type": "noop", "runAt": 1767225600 }""", "runAt", "Expected an ISO-8601 time")]
    [InlineData("""{ "type": "noop", "tags": ["acme"] }""", "tags", "Expected an object")]
    [InlineData("""{ "type": "noop", "tags": { "tenant": 42 } }""", "tags.tenant", "Expected a string, not a number.")]
    [InlineData("""{ "type": "noop", "callbackUrl": {} }""", "callbackUrl", "Expected a string, not an object.")]
    public void A_field_of_the_wrong_json_type_names_the_expected_type(string body, string field, string message) =>
        Assert.StartsWith(message, Error(body, field));

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("a/b")]
    [InlineData("ünicode")]
    public void A_queue_name_is_letters_digits_dots_dashes_and_underscores(string queue) =>
        Error($$"""{ "type": "noop", "queue": "{{queue}}" }""", "queue");

    [Fact]
    public void Names_and_keys_have_length_limits()
    {
        Assert.Equal(new string('q', 100), Valid(Body(("queue", new string('q', 100)))).Queue);
        Error(Body(("queue", new string('q', 101))), "queue");
        foreach (var field in new[] { "concurrencyKey", "idempotencyKey" })
        {
            Valid(Body((field, new string('k', 200))));
            Assert.Contains("1 to 200 characters", Error(Body((field, new string('k', 201))), field));
            Error(Body((field, "")), field);
        }
    }

    [Theory]
    [InlineData("2026-12-01T09:00:00")]
    [InlineData("2026-12-01")]
    [InlineData("tomorrow")]
    [InlineData("2026-13-01T09:00:00Z")]
    public void Run_at_must_be_an_iso_8601_time_with_an_offset(string runAt) =>
        Error(Body(("runAt", runAt)), "runAt");

    [Fact]
    public void Run_at_is_stored_in_utc()
    {
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), Valid(Body(("runAt", "2026-12-01T09:00:00Z"))).RunAt);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 14, 30, 0, TimeSpan.Zero), Valid(Body(("runAt", "2026-12-01T09:00:00-05:30"))).RunAt);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    [InlineData(-1)]
    public void Max_attempts_is_between_1_and_100(int maxAttempts)
    {
        Assert.Equal("Must be between 1 and 100.", Error($$"""{ "type": "noop", "maxAttempts": {{maxAttempts}} }""", "maxAttempts"));
        Assert.Equal(100, Valid("""{ "type": "noop", "maxAttempts": 100 }""").MaxAttempts);
        Assert.Equal(1, Valid("""{ "type": "noop", "maxAttempts": 1 }""").MaxAttempts);
    }

    [Theory]
    [InlineData("""{ "multiplier": 0.5 }""", "retry.multiplier")]
    [InlineData("""{ "multiplier": 101 }""", "retry.multiplier")]
    [InlineData("""{ "initialDelay": "soon" }""", "retry.initialDelay")]
    [InlineData("""{ "initialDelay": "-00:00:01" }""", "retry.initialDelay")]
    [InlineData("""{ "maxDelay": "00:00:01" }""", "retry.maxDelay")]
    [InlineData("""{ "initialDelay": "00:05:00", "maxDelay": "00:04:59" }""", "retry.maxDelay")]
    [InlineData("""{ "maxdelay": "00:10:00" }""", "retry.maxdelay")]
    public void Retry_policy_values_are_checked(string retry, string field) =>
        Error($$"""{ "type": "noop", "retry": {{retry}} }""", field);

    [Fact]
    public void Retry_edges_are_accepted()
    {
        var spec = Valid("""{ "type": "noop", "retry": { "initialDelay": "PT0S", "maxDelay": "PT0S", "multiplier": 100 } }""");

        Assert.Equal(RetryPolicy.Default with { InitialDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero, Multiplier = 100 }, spec.Retry);
        Assert.Equal(1, Valid("""{ "type": "noop", "retry": { "multiplier": 1 } }""").Retry.Multiplier);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("PT0S")]
    [InlineData("-00:00:01")]
    [InlineData("an hour")]
    public void Timeout_must_be_a_positive_duration(string timeout) =>
        Error(Body(("timeout", timeout)), "timeout");

    [Fact]
    public void The_idempotency_key_header_wins_and_must_not_contradict_the_body()
    {
        Assert.Equal("from-header", Valid("""{ "type": "noop" }""", idempotencyKey: "from-header").IdempotencyKey);
        Assert.Equal("same", Valid("""{ "type": "noop", "idempotencyKey": "same" }""", idempotencyKey: "same").IdempotencyKey);
        Assert.Contains("differ", Error("""{ "type": "noop", "idempotencyKey": "body" }""", "idempotencyKey", idempotencyKey: "header"));
        Assert.Contains("Idempotency-Key header", Error("""{ "type": "noop" }""", "idempotencyKey", idempotencyKey: new string('k', 201)));
    }

    [Fact]
    public void The_correlation_id_header_fills_in_when_the_body_has_none()
    {
        Assert.Equal("header", Valid("""{ "type": "noop" }""", correlationId: "header").CorrelationId);
        Assert.Equal("body", Valid("""{ "type": "noop", "correlationId": "body" }""", correlationId: "header").CorrelationId);
        Error("""{ "type": "noop" }""", "correlationId", correlationId: new string('c', 201));
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("line\nbreak")]
    [InlineData("caf\u00e9")]
    [InlineData("\u007f")]
    public void A_correlation_id_is_printable_ascii(string id)
    {
        Assert.Contains("printable ASCII", Error(Body(("correlationId", id)), "correlationId"));
        Assert.Contains("printable ASCII", Error("""{ "type": "noop" }""", "correlationId", correlationId: id));
    }

    [Fact]
    public void A_correlation_id_has_at_most_128_characters()
    {
        Assert.Equal(new string('c', 128), Valid(Body(("correlationId", new string('c', 128)))).CorrelationId);
        Assert.Equal("a b ~!", Valid(Body(("correlationId", "a b ~!"))).CorrelationId);
        Error(Body(("correlationId", new string('c', 129))), "correlationId");
        Error("""{ "type": "noop" }""", "correlationId", correlationId: new string('c', 129));
    }

    [Fact]
    public void A_timeout_beyond_the_maximum_names_the_setting()
    {
        Assert.Equal(TimeSpan.FromDays(2), Valid(Body(("timeout", "2.00:00:00"))).Timeout);
        Assert.Contains("OrleansJobs:MaxTimeout", Error(Body(("timeout", "2.00:00:01")), "timeout"));
        // Beyond what a .NET timer can wait (about 49.7 days): refused, never handed to a timer.
        Assert.Contains("OrleansJobs:MaxTimeout", Error(Body(("timeout", "P60D")), "timeout"));
        Assert.Contains("OrleansJobs:MaxTimeout", Error(Body(("timeout", "10675199.02:48:05")), "timeout"));
    }

    [Theory]
    [InlineData("initialDelay")]
    [InlineData("maxDelay")]
    public void Retry_delays_beyond_the_maximum_name_the_setting(string field)
    {
        Assert.Equal(TimeSpan.FromHours(6), Valid($$"""{ "type": "noop", "retry": { "initialDelay": "PT6H", "maxDelay": "PT6H" } }""").Retry.MaxDelay);
        Assert.Contains("OrleansJobs:MaxRetryDelay", Error($$"""{ "type": "noop", "retry": { "{{field}}": "P1000D" } }""", "retry." + field));
    }

    [Fact]
    public void A_valid_trace_context_is_kept_and_an_invalid_one_dropped()
    {
        var traced = Valid("""{ "type": "noop" }""", traceParent: TraceParent, traceState: "vendor=1");
        var untraced = Valid("""{ "type": "noop" }""", traceParent: "not-a-traceparent", traceState: "vendor=1");

        Assert.Equal((TraceParent, "vendor=1"), (traced.TraceParent, traced.TraceState));
        Assert.Equal((null, null), (untraced.TraceParent, untraced.TraceState));
    }

    [Theory]
    [InlineData("ftp://example.com/hook")]
    [InlineData("/hooks/jobs")]
    [InlineData("not a url")]
    public void Callback_url_must_be_an_absolute_http_url(string url) =>
        Assert.Equal("Must be an absolute http or https URL.", Error(Body(("callbackUrl", url)), "callbackUrl"));

    [Theory]
    [InlineData("https://example.org/hooks/jobs", "example.org")]
    [InlineData("http://127.0.0.1:8080/done", "127.0.0.1:8080")]
    public void Callback_url_must_point_to_a_host_on_the_http_allow_list(string url, string authority) =>
        Assert.Equal($"Host '{authority}' is not allowed for callbacks: add it to OrleansJobs:Http:AllowedHosts.", Error(Body(("callbackUrl", url)), "callbackUrl"));

    [Fact]
    public void At_most_50_tags_are_allowed()
    {
        static string Tags(int count) => JsonSerializer.Serialize(Enumerable.Range(0, count).ToDictionary(i => $"t{i}", i => $"v{i}"));

        Assert.Equal(50, Valid($$"""{ "type": "noop", "tags": {{Tags(50)}} }""").Tags?.Count);
        Assert.Contains("At most 50", Error($$"""{ "type": "noop", "tags": {{Tags(51)}} }""", "tags"));
    }

    [Theory]
    [InlineData("priorty")]
    [InlineData("Type")]
    [InlineData("max_attempts")]
    public void Unknown_fields_are_errors_to_catch_typos(string field) =>
        Assert.StartsWith("Unknown field.", Error($$"""{ "type": "noop", "{{field}}": 1 }""", field));

    [Fact]
    public void All_field_errors_are_reported_together()
    {
        var result = parser.Parse(Encoding.UTF8.GetBytes("""{ "type": 1, "queue": "", "maxAttempts": 0, "extra": true }"""));

        Assert.Equal(["extra", "maxAttempts", "queue", "type"], result.Errors.Keys.Order());
    }

    [Fact]
    public void A_parsed_json_element_is_accepted_as_well()
    {
        using var document = JsonDocument.Parse("""{ "type": "delay", "priority": 3 }""");

        var result = parser.Parse(document.RootElement);

        Assert.True(result.IsValid);
        Assert.Equal(3, result.Spec.Priority);
    }

    private static string Body((string Field, string Value) field) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["type"] = "noop", [field.Field] = field.Value });

    [Fact]
    public void DependsOn_takes_distinct_job_ids_and_onDependencyFailure_fail_or_cancel()
    {
        var spec = Valid("""{ "type": "noop", "dependsOn": ["job_0000000000000000000000000000000a", "job_0000000000000000000000000000000a", "job_0000000000000000000000000000000b"], "onDependencyFailure": "Cancel" }""");

        Assert.Equal(["job_0000000000000000000000000000000a", "job_0000000000000000000000000000000b"], spec.DependsOn);
        Assert.Equal(DependencyFailure.Cancel, spec.OnDependencyFailure);
        Assert.Equal(DependencyFailure.Fail, Valid("""{ "type": "noop", "dependsOn": ["job_0000000000000000000000000000000a"] }""").OnDependencyFailure);
    }

    [Theory]
    [InlineData("""{ "type": "noop", "dependsOn": [] }""", "dependsOn")]
    [InlineData("""{ "type": "noop", "dependsOn": "job_0000000000000000000000000000000a" }""", "dependsOn")]
    [InlineData("""{ "type": "noop", "dependsOn": ["job_0000000000000000000000000000000a", "batch_1"] }""", "dependsOn[1]")]
    [InlineData("""{ "type": "noop", "dependsOn": [7] }""", "dependsOn[0]")]
    [InlineData("""{ "type": "noop", "dependsOn": ["job_0000000000000000000000000000000a"], "onDependencyFailure": "ignore" }""", "onDependencyFailure")]
    [InlineData("""{ "type": "noop", "onDependencyFailure": "cancel" }""", "onDependencyFailure")]
    public void Bad_dependencies_are_refused_naming_the_entry(string body, string field) => Assert.NotEmpty(Error(body, field));

    private JobSpec Valid(string body, string? idempotencyKey = null, string? correlationId = null, string? traceParent = null, string? traceState = null)
    {
        var result = parser.Parse(Encoding.UTF8.GetBytes(body), idempotencyKey, correlationId, traceParent, traceState);
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")) + result.Detail);
        return result.Spec;
    }

    /// <summary>The one message for <paramref name="field"/>, after checking the body is refused for it.</summary>
    private string Error(string body, string field, string? idempotencyKey = null, string? correlationId = null)
    {
        var result = parser.Parse(Encoding.UTF8.GetBytes(body), idempotencyKey, correlationId);
        Assert.False(result.IsValid);
        Assert.False(result.IsMalformedJson || result.IsPayloadTooLarge);
        Assert.True(result.Errors.TryGetValue(field, out var messages), $"No error for '{field}': {string.Join(", ", result.Errors.Keys)}");
        return Assert.Single(messages);
    }
}
