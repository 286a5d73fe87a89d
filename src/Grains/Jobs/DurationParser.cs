using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;

namespace OrleansJobs.Jobs;

/// <summary>
/// Durations as the HTTP contract and the built-in payloads write them: ISO-8601 (<c>PT5S</c>, <c>PT1M30S</c>, <c>P1DT2H</c>,
/// <c>PT0.5S</c>), clock form (<c>hh:mm:ss[.fffffff]</c>, <c>d.hh:mm:ss[.fffffff]</c>) or the short form of query strings
/// such as <c>?wait=5s</c> (<c>250ms</c>, <c>5s</c>, <c>1.5m</c>, <c>2h</c>, <c>1d</c>). Never negative.
/// </summary>
public static partial class DurationParser
{
    private static readonly string[] ClockFormats = [@"h\:mm\:ss", @"h\:mm\:ss\.FFFFFFF", @"d\.h\:mm\:ss", @"d\.h\:mm\:ss\.FFFFFFF"];

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
            return false;
        if (text[0] == 'P')
            return TryParseIso(text, out duration);
        if (ShortForm().Match(text) is { Success: true } match)
            return TryParseShort(match, out duration);
        // Custom formats admit no sign, so negative clock durations fail here.
        return TimeSpan.TryParseExact(text, ClockFormats, CultureInfo.InvariantCulture, out duration);
    }

    private static bool TryParseIso(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        // A leading 'P' leaves no room for a sign, so nothing here is negative. XmlConvert turns years and months into
        // 365 and 30 days; "P1M" is far more often a mistyped "PT1M" than a wish for 30 days, so only fixed-length units pass.
        var timeStart = text.IndexOf('T');
        if (text.AsSpan(0, timeStart < 0 ? text.Length : timeStart).IndexOfAny('Y', 'M') >= 0)
            return false;
        try
        {
            duration = XmlConvert.ToTimeSpan(text);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return false;
        }
        return true;
    }

    private static bool TryParseShort(Match match, out TimeSpan duration)
    {
        var value = double.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
        var milliseconds = value * match.Groups[2].ValueSpan switch
        {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => 86_400_000,
        };
        var valid = milliseconds < TimeSpan.MaxValue.TotalMilliseconds;
        duration = valid ? TimeSpan.FromMilliseconds(milliseconds) : TimeSpan.Zero;
        return valid;
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h|d)$", RegexOptions.CultureInvariant)]
    private static partial Regex ShortForm();
}
