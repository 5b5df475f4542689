namespace FnSharp.Core.Storage.Sql;

/// <summary>A broken constraint, read from a database error by the dialect of a <see cref="SqlDataStore"/>.</summary>
/// <param name="Kind">Which kind of constraint.</param>
/// <param name="Index">
/// For <see cref="ConstraintKind.Unique"/>, the name of the unique index (one of the <c>SqlDataStore.*Index</c>
/// names every schema uses), or <see langword="null"/> when unknown (a primary key).
/// </param>
public sealed record ConstraintViolation(ConstraintKind Kind, string? Index);
