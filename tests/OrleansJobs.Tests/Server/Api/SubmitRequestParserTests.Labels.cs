using OrleansJobs.Jobs;
using Xunit;

namespace OrleansJobs.Tests.Server.Api;

/// <summary>Labels on a submit: bounded in number, length and characters, each refusal naming its item.</summary>
public sealed partial class SubmitRequestParserTests
{
    [Fact]
    public void Labels_keep_their_order_and_case_and_drop_repeats()
    {
        var spec = Valid("""{ "type": "noop", "labels": ["customer-42", "nightly", "customer-42", "Nightly", "a:b/c_d.e"] }""");

        Assert.Equal(["customer-42", "nightly", "Nightly", "a:b/c_d.e"], spec.Labels);
        Assert.Null(Valid("""{ "type": "noop", "labels": [] }""").Labels);
        Assert.Null(Valid("""{ "type": "noop", "labels": null }""").Labels);
    }

    [Fact]
    public void Ten_different_labels_are_allowed_and_an_eleventh_is_refused()
    {
        static string Labels(int count, int repeats = 0) =>
            "[" + string.Join(", ", Enumerable.Range(0, count).Concat(Enumerable.Repeat(0, repeats)).Select(i => $"\"l{i}\"")) + "]";

        Assert.Equal(JobLabels.MaxCount, Valid($$"""{ "type": "noop", "labels": {{Labels(10, repeats: 5)}} }""").Labels?.Count);
        Assert.Equal("At most 10 different labels are allowed.", Error($$"""{ "type": "noop", "labels": {{Labels(11)}} }""", "labels"));
    }

    [Theory]
    [InlineData("""{ "type": "noop", "labels": "nightly" }""", "labels", "Expected an array of strings")]
    [InlineData("""{ "type": "noop", "labels": { "a": "b" } }""", "labels", "Expected an array of strings")]
    [InlineData("""{ "type": "noop", "labels": ["ok", "also-ok", "not ok"] }""", "labels[2]", "A label is 1 to 64 letters")]
    [InlineData("""{ "type": "noop", "labels": [""] }""", "labels[0]", "A label is 1 to 64 letters")]
    [InlineData("""{ "type": "noop", "labels": ["ok", 42] }""", "labels[1]", "Expected a string, not a number.")]
    [InlineData("""{ "type": "noop", "labels": ["ok", null] }""", "labels[1]", "Expected a string, not null.")]
    [InlineData("""{ "type": "noop", "labels": ["caf\u00e9"] }""", "labels[0]", "A label is 1 to 64 letters")]
    [InlineData("""{ "type": "noop", "labels": ["a?b=c"] }""", "labels[0]", "A label is 1 to 64 letters")]
    public void Bad_labels_are_refused_naming_the_item(string body, string field, string message) =>
        Assert.StartsWith(message, Error(body, field));

    [Fact]
    public void A_label_may_be_64_characters_long_but_not_65_and_the_refusal_quotes_it_shortened()
    {
        var longest = new string('x', 64);

        Assert.Equal([longest], Valid($$"""{ "type": "noop", "labels": ["{{longest}}"] }""").Labels);
        var refusal = Error($$"""{ "type": "noop", "labels": ["{{new string('x', 5000)}}"] }""", "labels[0]");
        Assert.EndsWith($"not '{longest}…'.", refusal);
    }

    [Fact]
    public void Errors_stop_after_ten_bad_labels()
    {
        var body = $$"""{ "type": "noop", "labels": [{{string.Join(", ", Enumerable.Repeat("7", 1000))}}] }""";

        var result = parser.Parse(System.Text.Encoding.UTF8.GetBytes(body));

        Assert.Equal(JobLabels.MaxCount, result.Errors.Keys.Count(key => key.StartsWith("labels[", StringComparison.Ordinal)));
    }
}
