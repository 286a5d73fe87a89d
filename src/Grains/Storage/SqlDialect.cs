using System.Text.Json;

namespace OrleansJobs.Storage;

/// <summary>
/// What the job queries of <see cref="JobSql"/> write differently in each database; the rest of their text is the
/// same. Each store's own statements (PostgreSQL's batched <c>unnest</c> writes and reads, SQLite's writer) stay with it.
/// </summary>
/// <param name="Parameter">The marker of a statement's nth value (from 1) with the given name.</param>
/// <param name="IsTrue">
/// The test that a boolean column is set. A partial index on a flag is used only when a query repeats the index's
/// predicate as the schema script writes it, and this is that text.
/// </param>
/// <param name="JsonText">The text at a path (keys, outermost first) inside a column of JSON text; null where it is missing.</param>
/// <param name="NotAmong">The test that a column's value is none of the list bound to a marker.</param>
/// <param name="Among">The test that a column's value is one of the list bound to a marker.</param>
/// <param name="List">The value to bind for the list that <see cref="NotAmong"/> and <see cref="Among"/> test against.</param>
internal sealed record SqlDialect(
    Func<int, string, string> Parameter,
    Func<string, string> IsTrue,
    Func<string, string[], string> JsonText,
    Func<string, string, string> NotAmong,
    Func<string, string, string> Among,
    Func<IReadOnlyCollection<string>, object> List)
{
    /// <summary>
    /// Npgsql's positional markers: it sends the text as it is, where named ones would have it find and rewrite them.
    /// A list is a PostgreSQL array.
    /// </summary>
    public static readonly SqlDialect PostgreSql = new(
        Parameter: (position, _) => "$" + position,
        IsTrue: column => column,
        JsonText: (column, path) => $"{column}::json{string.Concat(path[..^1].Select(key => $" -> '{key}'"))} ->> '{path[^1]}'",
        NotAmong: (column, parameter) => $"{column} <> ALL ({parameter})",
        Among: (column, parameter) => $"{column} = ANY ({parameter})",
        List: values => values.ToArray());

    /// <summary>
    /// SQLite has no boolean or array type: a flag is an integer, and a list travels as a JSON array that
    /// <c>json_each</c> unpacks.
    /// </summary>
    public static readonly SqlDialect Sqlite = new(
        Parameter: (_, name) => "@" + name,
        IsTrue: column => column + " = 1",
        JsonText: (column, path) => $"json_extract({column}, '$.{string.Join('.', path)}')",
        NotAmong: (column, parameter) => $"{column} NOT IN (SELECT value FROM json_each({parameter}))",
        Among: (column, parameter) => $"{column} IN (SELECT value FROM json_each({parameter}))",
        List: values => JsonSerializer.Serialize(values.ToArray(), JobJson.Default.StringArray));
}
