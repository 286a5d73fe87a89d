namespace OrleansJobs.Bench.Compare;

/// <summary>
/// A fresh folder in the system's temporary directory for a silo on the embedded store (its OrleansJobs:DataDirectory),
/// deleted when disposed, after the silo has stopped.
/// </summary>
internal sealed class ScratchDirectory(string prefix) : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // the silo's last handles; the temporary directory is the system's to clear
        }
    }
}
