using System.Data.Common;

namespace FnSharp.Core.Storage.Sql;

/// <summary>
/// How <see cref="SqlDataStore"/> reads and writes one resource table (apps, fns, triggers), so that the
/// insert, the read by id, the list by name and the read-merge-write update are written once for all three.
/// </summary>
/// <param name="Name">The table.</param>
/// <param name="Columns">Its columns, comma-separated, in the order <paramref name="Read"/> reads them.</param>
/// <param name="Read">Reads a row of <paramref name="Columns"/>.</param>
/// <param name="AddParameters">Adds a row's values as <c>@column</c> parameters, one for each of <paramref name="Columns"/>.</param>
/// <param name="NotFound">The 404 of an id with no row.</param>
internal sealed record ResourceTable<T>(string Name, string Columns, Func<DbDataReader, T> Read, Action<DbCommand, T> AddParameters, ApiError NotFound)
{
    /// <summary>The row with the id <c>@id</c>.</summary>
    public string SelectById => $"SELECT {Columns} FROM {Name} WHERE id = @id";

    /// <summary>Inserts a row of <see cref="AddParameters"/>' values.</summary>
    public string Insert => $"INSERT INTO {Name} ({Columns}) VALUES ({SqlParameters.Of(Columns)})";
}
