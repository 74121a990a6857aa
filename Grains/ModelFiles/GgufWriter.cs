using System.Buffers.Binary;
using System.Text;

namespace Verge.Orleans.Grains.ModelFiles;

/// <summary>
/// Writes a GGUF v3 file: metadata key/values, tensor descriptors, then aligned tensor data.
/// Tensor rows are produced on demand so a 400 MB model never sits in memory.
/// </summary>
public sealed class GgufWriter
{
    private const uint Alignment = 32;
    private const int Q8BlockSize = 32;

    private readonly List<(string Key, Action<BinaryWriter> Write)> _metadata = [];
    private readonly List<Tensor> _tensors = [];

    private sealed record Tensor(string Name, long RowLength, long Rows, GgufTensorType Type, Action<long, Span<float>> FillRow)
    {
        public long ByteSize => Type switch
        {
            GgufTensorType.F32 => RowLength * Rows * 4,
            GgufTensorType.F16 => RowLength * Rows * 2,
            _ => RowLength / Q8BlockSize * (2 + Q8BlockSize) * Rows,
        };
    }

    private enum ValueType : uint
    {
        UInt32 = 4,
        Int32 = 5,
        Float32 = 6,
        Bool = 7,
        String = 8,
        Array = 9,
    }

    public GgufWriter Add(string key, string value) => AddValue(key, ValueType.String, w => WriteString(w, value));

    public GgufWriter Add(string key, uint value) => AddValue(key, ValueType.UInt32, w => w.Write(value));

    public GgufWriter Add(string key, float value) => AddValue(key, ValueType.Float32, w => w.Write(value));

    public GgufWriter Add(string key, bool value) => AddValue(key, ValueType.Bool, w => w.Write(value));

    public GgufWriter Add(string key, IReadOnlyList<string> values) =>
        AddArray(key, ValueType.String, values.Count, (w, i) => WriteString(w, values[i]));

    public GgufWriter Add(string key, IReadOnlyList<int> values) =>
        AddArray(key, ValueType.Int32, values.Count, (w, i) => w.Write(values[i]));

    /// <summary>Adds a 1-D or 2-D tensor; <paramref name="fillRow"/> writes row <c>r</c> (length <paramref name="rowLength"/>).</summary>
    public GgufWriter AddTensor(string name, long rowLength, long rows, GgufTensorType type, Action<long, Span<float>> fillRow)
    {
        if (type == GgufTensorType.Q8_0 && rowLength % Q8BlockSize != 0)
        {
            throw new ArgumentException($"Q8_0 rows must be a multiple of {Q8BlockSize} long; {name} has {rowLength}.", nameof(rowLength));
        }

        _tensors.Add(new Tensor(name, rowLength, rows, type, fillRow));
        return this;
    }

    public void WriteTo(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = $"{path}.{Guid.NewGuid():N}.partial"; // processes writing the same file side by side never collide
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("GGUF"u8);
            writer.Write(3u);
            writer.Write((ulong)_tensors.Count);
            writer.Write((ulong)_metadata.Count);
            foreach (var (key, write) in _metadata)
            {
                WriteString(writer, key);
                write(writer);
            }

            ulong offset = 0;
            foreach (var tensor in _tensors)
            {
                WriteString(writer, tensor.Name);
                var dims = tensor.Rows == 1 ? new[] { tensor.RowLength } : [tensor.RowLength, tensor.Rows];
                writer.Write((uint)dims.Length);
                foreach (var dim in dims)
                {
                    writer.Write((ulong)dim);
                }

                writer.Write((uint)tensor.Type);
                writer.Write(offset);
                offset = Align(offset + (ulong)tensor.ByteSize);
            }

            Pad(writer);
            foreach (var tensor in _tensors)
            {
                WriteTensor(writer, tensor);
                Pad(writer);
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    private GgufWriter AddValue(string key, ValueType type, Action<BinaryWriter> write)
    {
        _metadata.Add((key, w =>
        {
            w.Write((uint)type);
            write(w);
        }));
        return this;
    }

    private GgufWriter AddArray(string key, ValueType elementType, int count, Action<BinaryWriter, int> writeElement) =>
        AddValue(key, ValueType.Array, w =>
        {
            w.Write((uint)elementType);
            w.Write((ulong)count);
            for (var i = 0; i < count; i++)
            {
                writeElement(w, i);
            }
        });

    private static void WriteTensor(BinaryWriter writer, Tensor tensor)
    {
        var row = new float[tensor.RowLength];
        var bytes = new byte[tensor.ByteSize / tensor.Rows];
        for (long r = 0; r < tensor.Rows; r++)
        {
            Array.Clear(row);
            tensor.FillRow(r, row);
            Encode(tensor.Type, row, bytes);
            writer.Write(bytes);
        }
    }

    private static void Encode(GgufTensorType type, ReadOnlySpan<float> row, Span<byte> output)
    {
        switch (type)
        {
            case GgufTensorType.F32:
                for (var i = 0; i < row.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(output[(i * 4)..], row[i]);
                }

                break;
            case GgufTensorType.F16:
                for (var i = 0; i < row.Length; i++)
                {
                    BinaryPrimitives.WriteHalfLittleEndian(output[(i * 2)..], (Half)row[i]);
                }

                break;
            default:
                EncodeQ8(row, output);
                break;
        }
    }

    // Q8_0: per block of 32 values, an fp16 scale d = max|x| / 127 followed by 32 signed bytes round(x / d).
    private static void EncodeQ8(ReadOnlySpan<float> row, Span<byte> output)
    {
        for (int block = 0, at = 0; block < row.Length; block += Q8BlockSize, at += 2 + Q8BlockSize)
        {
            var values = row.Slice(block, Q8BlockSize);
            var max = 0f;
            foreach (var v in values)
            {
                max = Math.Max(max, Math.Abs(v));
            }

            var scale = max / 127f;
            BinaryPrimitives.WriteHalfLittleEndian(output[at..], (Half)scale);
            var inverse = scale == 0 ? 0 : 1 / scale;
            for (var i = 0; i < Q8BlockSize; i++)
            {
                output[at + 2 + i] = (byte)(sbyte)Math.Round(values[i] * inverse);
            }
        }
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static ulong Align(ulong offset) => (offset + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter writer)
    {
        var position = (ulong)writer.BaseStream.Position;
        for (var i = position; i < Align(position); i++)
        {
            writer.Write((byte)0);
        }
    }
}
