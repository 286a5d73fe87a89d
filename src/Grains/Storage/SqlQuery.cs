using System.Data.Common;

namespace OrleansJobs.Storage;

/// <summary>
/// A statement of <see cref="JobSql"/> ready to run: its text, the values of its markers in the order they are
/// numbered (SQLite binds them by marker, PostgreSQL by position), and how to read one row of its result.
/// </summary>
internal sealed record SqlQuery<T>(string Text, IReadOnlyList<(string Marker, object Value)> Arguments, Func<DbDataReader, T> Row);
