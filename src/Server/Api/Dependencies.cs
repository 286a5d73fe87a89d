using OrleansJobs.Jobs;
using OrleansJobs.Server.Auth;

namespace OrleansJobs.Server.Api;

/// <summary>
/// Checks at submit that every job a submission depends on exists (a dependency must be submitted first, which also
/// makes a cycle impossible) and has room for one more job waiting for it. A job the caller may not see
/// (<see cref="JobCaller.Sees"/>) does not exist for it.
/// </summary>
internal static class Dependencies
{
    /// <summary>
    /// Errors for the <c>dependsOn</c> entries of <paramref name="specs"/> that name no job, or a job that already has
    /// <paramref name="maxDependents"/> jobs waiting for it (counting those of this submission), keyed
    /// <c>dependsOn[i]</c> for a single submit and <c>jobs[n].dependsOn[i]</c> for a batch's members. A job that has
    /// ended takes any number: a dependent of it is not recorded. The count is read, not reserved, so concurrent
    /// submits may pass it by as many as are in flight; what it bounds is a job's list growing without end.
    /// </summary>
    public static async Task<Dictionary<string, string[]>> CheckAsync(JobVisibility visibility, IReadOnlyList<JobSpec> specs, JobCaller caller, int maxDependents, bool batch = false)
    {
        var errors = new Dictionary<string, string[]>();
        var found = new Dictionary<string, Task<JobState?>>();
        var added = new Dictionary<string, int>();
        for (var n = 0; n < specs.Count; n++)
        {
            var dependsOn = specs[n].DependsOn ?? [];
            for (var i = 0; i < dependsOn.Count; i++)
            {
                var id = dependsOn[i];
                if (!found.TryGetValue(id, out var read))
                    found[id] = read = visibility.VisibleAsync(id, caller);
                var field = batch ? $"jobs[{n}].dependsOn[{i}]" : $"dependsOn[{i}]";
                if (await read is not { } dependency)
                    errors[field] = [$"No job has the id '{id}': a job can only depend on jobs submitted before it."];
                else if (!dependency.Status.IsTerminal() && dependency.Dependents.Count + (added[id] = added.GetValueOrDefault(id) + 1) > maxDependents)
                    errors[field] = [$"Job '{id}' has {dependency.Dependents.Count} jobs waiting for it; the limit is {maxDependents} ({JobServiceOptions.Section}:MaxDependents)."];
            }
        }
        return errors;
    }
}
