using OrleansJobs.Jobs;
using OrleansJobs.Server.Auth;

namespace OrleansJobs.Server.Api;

/// <summary>
/// Checks at submit that every job a submission depends on exists: a dependency must be submitted first, which also
/// makes a cycle impossible. A job the caller may not see (<see cref="JobCaller.Sees"/>) does not exist for it.
/// </summary>
internal static class Dependencies
{
    /// <summary>
    /// Errors for the <c>dependsOn</c> entries of <paramref name="specs"/> that name no job, keyed
    /// <c>dependsOn[i]</c> for a single submit and <c>jobs[n].dependsOn[i]</c> for a batch's members.
    /// </summary>
    public static async Task<Dictionary<string, string[]>> UnknownAsync(JobVisibility visibility, IReadOnlyList<JobSpec> specs, JobCaller caller, bool batch = false)
    {
        var errors = new Dictionary<string, string[]>();
        var known = new Dictionary<string, Task<bool>>();
        for (var n = 0; n < specs.Count; n++)
        {
            var dependsOn = specs[n].DependsOn ?? [];
            for (var i = 0; i < dependsOn.Count; i++)
            {
                var id = dependsOn[i];
                if (!known.TryGetValue(id, out var exists))
                    known[id] = exists = ExistsAsync(visibility, id, caller);
                if (await exists) continue;
                var field = batch ? $"jobs[{n}].dependsOn[{i}]" : $"dependsOn[{i}]";
                errors[field] = [$"No job has the id '{id}': a job can only depend on jobs submitted before it."];
            }
        }
        return errors;
    }

    private static async Task<bool> ExistsAsync(JobVisibility visibility, string id, JobCaller caller) =>
        await visibility.VisibleAsync(id, caller) is not null;
}
