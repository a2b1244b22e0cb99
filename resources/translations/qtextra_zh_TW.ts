<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt's own strings that its qtbase_zh_TW catalogue lacks (Qt 6.7+ gave these labels
     shortcuts; the catalogues still have "Look in:" and "Files of type:"). Loaded after
     qtbase_zh_TW by memberdesk/ui/i18n.py. -->
<TS version="2.1" language="zh_TW">
    <context>
        <name>QFileDialog</name>
        <message>
            <source>&amp;Look in:</source>
            <translation>尋找於(&amp;L)：</translation>
        </message>
        <message>
            <source>Files of &amp;type:</source>
            <translation>檔案型態(&amp;T)：</translation>
        </message>
    </context>
    <context>
        <name>QAbstractFileIconProvider</name>
        <message>
            <source>Folder</source>
            <translation>資料夾</translation>
        </message>
        <message>
            <source>Drive</source>
            <translation>磁碟機</translation>
        </message>
        <message>
            <source>File</source>
            <translation>檔案</translation>
        </message>
        <message>
            <source>%1 File</source>
            <translation>%1 檔案</translation>
        </message>
    </context>
</TS>
