namespace OrleansJobs.Workers;

/// <summary>The job types declared external at run time, persisted in the default grain storage as one row.</summary>
[GrainType("external-job-types")]
public sealed class ExternalJobTypesGrain([PersistentState("external-job-types")] IPersistentState<ExternalJobTypesState> store) : Grain, IExternalJobTypesGrain
{
    Task<string[]> IExternalJobTypesGrain.GetAll() => Task.FromResult(store.State.Types.ToArray());

    async Task<bool> IExternalJobTypesGrain.Set(string type, bool external)
    {
        var types = store.State.Types;
        var at = types.BinarySearch(type, StringComparer.Ordinal);
        if (external == at >= 0) return true;
        if (external && types.Count >= IExternalJobTypesGrain.MaxTypes) return false;
        if (external) types.Insert(~at, type);
        else types.RemoveAt(at);
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            // Not stored: the copy in memory goes back to what the row holds.
            if (external) types.Remove(type);
            else types.Insert(~types.BinarySearch(type, StringComparer.Ordinal), type);
            throw;
        }
        return true;
    }
}
