using System.Diagnostics.CodeAnalysis;

namespace FnSharp.Core.Storage.Sql;

/// <summary>
/// A dialect's column types, which are all that the schema scripts of <see cref="SharedMigrations"/> leave to it.
/// </summary>
/// <param name="Key">
/// An id or name, which lists and cursors order by bytes: SQLite's <c>TEXT</c> (binary order), PostgreSQL's
/// <c>text COLLATE "C"</c> (whatever the database's locale).
/// </param>
/// <param name="Text">Any other text, JSON included.</param>
/// <param name="Int32">A 32-bit integer.</param>
/// <param name="Int64">A 64-bit integer: sizes, and times as Unix milliseconds.</param>
/// <param name="Boolean">A boolean (in SQLite, an integer 0 or 1).</param>
/// <param name="Bytes">Bytes.</param>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "A column's width, as DbType names it.")]
public sealed record SqlColumnTypes(string Key, string Text, string Int32, string Int64, string Boolean, string Bytes);
