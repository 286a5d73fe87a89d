using System.Text.Json;
using OrleansJobs.Jobs;
using Xunit;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>
/// Names in the stored job JSON outlive the C# names: a property renamed in code keeps its stored name, so rows
/// written by an older silo read the same.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class StoredStateNamesTests
{
    [Fact]
    public void A_pending_hand_over_is_stored_under_its_first_name_and_read_back_from_it()
    {
        var json = JsonSerializer.Serialize(new JobState { HandOverPending = true }, JsonSerializerOptions.Web);
        Assert.Contains("\"callbackPending\":true", json);
        Assert.DoesNotContain("handOverPending", json, StringComparison.OrdinalIgnoreCase);

        var read = JsonSerializer.Deserialize<JobState>("""{"callbackPending":true}""", JsonSerializerOptions.Web)!;
        Assert.True(read.HandOverPending);
    }
}
