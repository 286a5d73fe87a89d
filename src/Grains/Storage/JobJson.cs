using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansJobs.Storage;

/// <summary>
/// How a <see cref="JobState"/> is stored: camelCase JSON with enums as names, so rows stay readable
/// and survive enum reordering. Source-generated: the writer path serializes every job write.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(JobState))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(List<JobAttempt>))]
internal sealed partial class JobJson : JsonSerializerContext
{
    /// <summary>The state a job row holds.</summary>
    public static JobState ReadState(string json) =>
        JsonSerializer.Deserialize(json, Default.JobState) ?? throw new InvalidDataException("A job row holds no state.");

    /// <summary>A job's attempts, as its state's <c>attempts</c> holds them.</summary>
    public static List<JobAttempt> ReadAttempts(string json) => JsonSerializer.Deserialize(json, Default.ListJobAttempt) ?? [];
}
