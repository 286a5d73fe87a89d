using System.Globalization;

namespace OrleansJobs.Storage;

/// <summary>One numbered schema script (<c>NNN-name.sql</c>) embedded in this assembly.</summary>
/// <param name="Version">Its number, the order scripts are applied in.</param>
/// <param name="Name">Its file name, as recorded in <c>schema_version</c>.</param>
/// <param name="ResourceName">The embedded resource that holds it.</param>
internal sealed record SchemaScript(int Version, string Name, string ResourceName)
{
    /// <summary>
    /// The scripts embedded under <paramref name="resourcePrefix"/> (e.g. <c>OrleansJobs.Storage.Sqlite.</c>; see the
    /// project file's EmbeddedResource items), in version order.
    /// </summary>
    public static IReadOnlyList<SchemaScript> Under(string resourcePrefix) =>
        [.. typeof(SchemaScript).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(resourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => new SchemaScript(int.Parse(name.AsSpan(resourcePrefix.Length, 3), CultureInfo.InvariantCulture), name[resourcePrefix.Length..], name))
            .OrderBy(script => script.Version)];

    public string ReadText()
    {
        using var stream = typeof(SchemaScript).Assembly.GetManifestResourceStream(ResourceName)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
