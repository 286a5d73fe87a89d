using OrleansJobs.Jobs;
using Xunit;

namespace OrleansJobs.Tests.Grains.Jobs;

[Trait("Kind", "Unit")]
public sealed class DurationParserTests
{
    [Theory]
    [InlineData("PT5S", 5)]
    [InlineData("PT1M30S", 90)]
    [InlineData("P1DT2H", 93_600)]
    [InlineData("P2D", 172_800)]
    [InlineData("PT0.5S", 0.5)]
    [InlineData("PT0S", 0)]
    [InlineData("00:00:05", 5)]
    [InlineData("0:00:05", 5)]
    [InlineData("01:30:00", 5_400)]
    [InlineData("00:00:00.250", 0.25)]
    [InlineData("1.02:00:00", 93_600)]
    [InlineData("250ms", 0.25)]
    [InlineData("5s", 5)]
    [InlineData("1.5m", 90)]
    [InlineData("2h", 7_200)]
    [InlineData("1d", 86_400)]
    public void Parses_iso_8601_clock_and_short_forms(string text, double seconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("-PT5S")]
    [InlineData("-00:00:05")]
    [InlineData("-5s")]
    [InlineData("P1M")]
    [InlineData("P1Y")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("pt5s")]
    [InlineData("5")]
    [InlineData("5 s")]
    [InlineData("00:60:00")]
    [InlineData("24:00:00")]
    [InlineData("soon")]
    [InlineData("99999999999d")]
    public void Rejects_negative_ambiguous_and_malformed_durations(string? text) =>
        Assert.False(DurationParser.TryParse(text, out _));
}
