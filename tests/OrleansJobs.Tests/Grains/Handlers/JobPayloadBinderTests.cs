using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using OrleansJobs.Handlers;
using Xunit;

namespace OrleansJobs.Tests.Grains.Handlers;

[Trait("Kind", "Unit")]
public sealed class JobPayloadBinderTests
{
    [Fact]
    public void A_payload_binds_camel_case_case_insensitively_with_enums_as_names_and_unknown_members_ignored()
    {
        var payload = Bind<Report>("""{ "title": "Q3", "COPIES": 2, "format": "pdf", "notes": "ignored" }""");

        Assert.Equal(new Report { Title = "Q3", Copies = 2, Format = ReportFormat.Pdf }, payload);
    }

    [Fact]
    public void No_payload_binds_as_an_empty_object_so_members_take_their_defaults()
    {
        Assert.Equal(new Optional(), Bind<Optional>(null));
    }

    [Fact]
    public void No_payload_for_a_type_with_required_members_names_each_of_them()
    {
        var errors = Errors<Report>(null);

        Assert.Equal(["payload.title", "payload.copies"], errors.Keys);
        Assert.All(errors.Values, messages => Assert.Equal(["Required."], messages));
    }

    [Fact]
    public void A_value_of_the_wrong_json_kind_is_named_by_its_field()
    {
        var errors = Errors<Report>("""{ "title": "Q3", "copies": "two" }""");

        Assert.Equal("The JSON value could not be converted to System.Int32.", Assert.Single(errors["payload.copies"]));
    }

    [Fact]
    public void An_enum_value_that_is_not_a_name_is_named_by_its_field()
    {
        Assert.Equal(["payload.format"], Errors<Report>("""{ "title": "Q3", "copies": 1, "format": "docx" }""").Keys);
    }

    [Fact]
    public void A_payload_that_is_not_an_object_is_an_error_of_the_payload()
    {
        Assert.Equal("Expected an object, not array.", Assert.Single(Errors<Optional>("[1, 2]")[JobPayloadBinder.Field]));
    }

    [Fact]
    public void Every_attribute_that_fails_is_reported_under_the_members_json_name()
    {
        var errors = Errors<Report>("""{ "title": "", "copies": 0, "max_pages": 5001 }""");

        Assert.Equal(["payload.copies", "payload.max_pages", "payload.title"], errors.Keys.Order());
        Assert.Contains("between 1 and 10", Assert.Single(errors["payload.copies"]));
    }

    [Fact]
    public void The_payloads_own_rules_run_once_its_attributes_pass_and_name_their_members()
    {
        var errors = Errors<Report>("""{ "title": "Q3", "copies": 3, "format": "pdf", "max_pages": 0 }""");

        Assert.Equal("A PDF needs at least one page.", Assert.Single(errors["payload.max_pages"]));
    }

    [Fact]
    public void A_rule_that_names_no_member_is_an_error_of_the_payload()
    {
        Assert.Equal(["Title and copies disagree."], Errors<Report>("""{ "title": "none", "copies": 2 }""")[JobPayloadBinder.Field]);
    }

    [Theory]
    [InlineData("00:00:05", true)]
    [InlineData("PT1H", true)]
    [InlineData("2h", true)]
    [InlineData("2h1s", false)]
    [InlineData("0s", false)]
    [InlineData("soon", false)]
    [InlineData("-00:00:01", false)]
    public void A_duration_attribute_takes_what_duration_parser_reads_within_its_bounds(string text, bool valid)
    {
        var attribute = new DurationAttribute { Maximum = "PT2H", AllowZero = false };

        Assert.Equal(valid, attribute.IsValid(text));
        Assert.Equal("Expected a duration longer than zero up to 02:00:00, such as \"00:00:30\", \"PT30S\" or \"30s\".", attribute.FormatErrorMessage("wait"));
    }

    private static T Bind<T>(string? json)
    {
        Assert.True(JobPayloadBinder.TryBind(typeof(T), json, out var payload, out var errors), string.Join("; ", errors.Keys));
        return Assert.IsType<T>(payload);
    }

    private static Dictionary<string, string[]> Errors<T>(string? json)
    {
        Assert.False(JobPayloadBinder.TryBind(typeof(T), json, out _, out var errors));
        return errors;
    }

    private enum ReportFormat
    {
        Html,
        Pdf,
    }

    private sealed record Report : IValidatableObject
    {
        [MinLength(1)]
        public required string Title { get; init; }

        [Range(1, 10)]
        public required int Copies { get; init; }

        public ReportFormat Format { get; init; }

        [JsonPropertyName("max_pages"), Range(0, 5000)]
        public int? MaxPages { get; init; }

        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
        {
            if (Format == ReportFormat.Pdf && MaxPages == 0)
                yield return new ValidationResult("A PDF needs at least one page.", [nameof(MaxPages)]);
            if (Title == "none" && Copies > 0)
                yield return new ValidationResult("Title and copies disagree.");
        }
    }

    private sealed record Optional
    {
        public string? Label { get; init; }

        public int Count { get; init; } = 3;
    }
}
