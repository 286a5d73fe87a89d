using Microsoft.Extensions.Configuration;

namespace OrleansJobs;

/// <summary>
/// A setting that holds a list: JSON files give an array, environment variables and the command line one
/// comma-separated string. Either way the entries come back trimmed, empty ones dropped.
/// </summary>
public static class ConfigurationLists
{
    public static IReadOnlyList<string> Read(IConfigurationSection section)
    {
        var values = section.Value is { } single ? [single] : section.GetChildren().Select(child => child.Value ?? "");
        return [.. values.SelectMany(value => value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];
    }
}
