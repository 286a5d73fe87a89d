using Microsoft.Extensions.Configuration.Json;

namespace OrleansJobs.Silo;

public static class ShippedSettingsExtensions
{
    /// <summary>
    /// Reads the settings files that ship beside the service's binary (<c>appsettings.json</c> and
    /// <c>appsettings.{Environment}.json</c>) whatever folder it is started from. ASP.NET Core reads them from the
    /// content root, which is the working directory: a service started by a unit file or as
    /// <c>dotnet /opt/app/OrleansJobs.Silo.dll</c> from elsewhere would silently run without its log levels and
    /// console format. They go in just before the content root's files, so a file an operator puts in the working
    /// directory, environment variables and the command line still override them. Relative paths in the settings
    /// (<c>OrleansJobs:DataDirectory</c>) stay relative to the content root.
    /// </summary>
    public static IHostApplicationBuilder AddShippedSettings(this IHostApplicationBuilder builder)
    {
        var shipped = AppContext.BaseDirectory;
        if (Path.GetFullPath(builder.Environment.ContentRootPath).TrimEnd(Path.DirectorySeparatorChar) == Path.GetFullPath(shipped).TrimEnd(Path.DirectorySeparatorChar))
            return builder; // started from beside the binary: the content root's files are these already
        var sources = ((IConfigurationBuilder)builder.Configuration).Sources;
        var first = sources.Select((source, index) => (source, index)).FirstOrDefault(s => s.source is JsonConfigurationSource).index;
        var at = sources.Any(source => source is JsonConfigurationSource) ? first : 0;
        foreach (var name in new[] { $"appsettings.{builder.Environment.EnvironmentName}.json", "appsettings.json" })
        {
            var file = new JsonConfigurationSource { Path = Path.Combine(shipped, name), Optional = true, ReloadOnChange = false };
            file.ResolveFileProvider();
            sources.Insert(at, file);
        }
        return builder;
    }
}
