<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name />
    <message>
        <source>Day-end report</source>
        <translation>日结报表</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>仪表盘</translation>
    </message>
    <message>
        <source>Day &amp; shift close</source>
        <translation>日结与交班</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Loyalty program</source>
        <translation>会员方案</translation>
    </message>
    <message>
        <source>Coupons</source>
        <translation>代金券</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>员工</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Sync to head office</source>
        <translation>同步到总部</translation>
    </message>
    <message>
        <source>Backups</source>
        <translation>备份</translation>
    </message>
    <message>
        <source>Import / export</source>
        <translation>导入导出</translation>
    </message>
    <message>
        <source>Shop &amp; language</source>
        <translation>店铺与语言</translation>
    </message>
    <message>
        <source>Discount limits</source>
        <translation>折扣权限</translation>
    </message>
    <message>
        <source>Changes not saved</source>
        <translation>修改未保存</translation>
    </message>
    <message>
        <source>This page has changes that are not saved. Leave it and lose them?</source>
        <translation>本页的修改还没有保存。离开本页，这些修改就会丢失，仍要离开吗？</translation>
    </message>
    <message>
        <source>Stay and save them</source>
        <translation>留在本页保存</translation>
    </message>
    <message>
        <source>Leave without saving</source>
        <translation>不保存，离开</translation>
    </message>
    <message>
        <source>Back up now</source>
        <translation>立即备份</translation>
    </message>
    <message>
        <source>Restore the chosen backup…</source>
        <translation>恢复所选备份…</translation>
    </message>
    <message>
        <source>Choose a backup in the list first</source>
        <translation>请先在列表中选一个备份</translation>
    </message>
    <message>
        <source>Restore from a file…</source>
        <translation>从文件恢复…</translation>
    </message>
    <message>
        <source>Check the data</source>
        <translation>检查数据</translation>
    </message>
    <message>
        <source>The file, the balances against their ledgers, and every record against the sync journal</source>
        <translation>检查数据库文件、各项余额与流水是否一致、每条记录与同步日志是否一致</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Taken</source>
        <translation>备份时间</translation>
    </message>
    <message>
        <source>Also copy to a folder…</source>
        <translation>同时复制到文件夹…</translation>
    </message>
    <message>
        <source>Stop copying there</source>
        <translation>不再复制到那里</translation>
    </message>
    <message>
        <source>Backups are kept in one place only; a second copy on a USB stick or a synced folder survives a broken disk.</source>
        <translation>备份目前只存在一个地方；在 U 盘或同步文件夹里再存一份，硬盘坏了也不怕。</translation>
    </message>
    <message>
        <source>Second copy in %1: the last one failed (%2)</source>
        <translation>第二份备份在 %1：上次复制失败（%2）</translation>
    </message>
    <message>
        <source>Every backup is also copied to %1</source>
        <translation>每次备份都会同时复制到 %1</translation>
    </message>
    <message>
        <source>Also copy backups to</source>
        <translation>备份同时复制到</translation>
    </message>
    <message>
        <source>Backed up to %1</source>
        <translation>已备份到 %1</translation>
    </message>
    <message>
        <source>Backing up</source>
        <translation>正在备份</translation>
    </message>
    <message>
        <source>Backup cancelled: no file was written</source>
        <translation>已取消备份：没有写入任何文件</translation>
    </message>
    <message>
        <source>The data checks out: %1 checks, no problem found</source>
        <translation>数据检查通过：共 %1 项检查，未发现问题</translation>
    </message>
    <message>
        <source>The data check found %1 problems</source>
        <translation>数据检查发现 %1 个问题</translation>
    </message>
    <message>
        <source>The data check found %1 problems. Keep a backup of the file as it is now and show this list to whoever looks after the till's data.</source>
        <translation>数据检查发现 %1 个问题。请先把当前文件备份保留，再把这份清单交给负责收银数据的人。</translation>
    </message>
    <message>
        <source>Checking the data</source>
        <translation>正在检查数据</translation>
    </message>
    <message>
        <source>Choose a backup</source>
        <translation>选择备份文件</translation>
    </message>
    <message>
        <source>Replace today's data with %1? The current file is kept as a backup first.</source>
        <translation>用%1替换当前数据吗？当前数据会先另存一份备份。</translation>
    </message>
    <message>
        <source>They stay only in the kept copy of the current file.</source>
        <translation>这些记录只留在当前文件的另存副本中。</translation>
    </message>
    <message>
        <source>%1 of them have not reached head office yet: they are sent first when it answers, otherwise kept and sent after the restore.</source>
        <translation>其中 %1 条尚未送达总部：总部可连接时先发送，否则保留下来，恢复后再发送。</translation>
    </message>
    <message>
        <source>Head office has received all of them and keeps them.</source>
        <translation>总部已全部收到并保存这些记录。</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Made after this backup, and no longer on this till after the restore: %1 sales, %2 refunds, %3 top-ups, %4 new members (%5 records in all).</source>
        <translation>此备份之后产生、恢复后本机将不再显示的记录：%1 笔销售、%2 笔退货、%3 笔充值、%4 位新会员（共 %5 条记录）。</translation>
    </message>
    <message>
        <source>Members' points and stored value on this till go back to what they were at the backup.</source>
        <translation>本机上会员的积分和储值余额将回到备份时的数目。</translation>
    </message>
    <message>
        <source>Members' points and stored value come back from head office with the next sync, and so do the members issued since (their birthday and notes stay in the kept copy).</source>
        <translation>会员的积分和储值余额将在下次同步时从总部取回，此后新办的会员也一样（其生日和备注只留在保留的副本中）。</translation>
    </message>
    <message>
        <source>the backup file %1</source>
        <translation>备份文件 %1</translation>
    </message>
    <message>
        <source>the backup of %1-%2-%3 %4</source>
        <translation>%1年%2月%3日 %4 的备份</translation>
    </message>
    <message>
        <source>Restored; the previous data was kept as %1</source>
        <translation>已恢复；原数据已另存为 %1</translation>
    </message>
    <message>
        <source>; %1 records made after the backup are kept for head office</source>
        <translation>；备份之后产生的 %1 条记录已为总部保留</translation>
    </message>
    <message>
        <source>Restoring</source>
        <translation>正在恢复</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>Active (3 months)</source>
        <translation>活跃（3个月内）</translation>
    </message>
    <message>
        <source>Dormant</source>
        <translation>沉睡</translation>
    </message>
    <message>
        <source>New this month</source>
        <translation>本月新会员</translation>
    </message>
    <message>
        <source>Member share of sales</source>
        <translation>会员消费占比</translation>
    </message>
    <message>
        <source>Members by activity</source>
        <translation>会员活跃度</translation>
    </message>
    <message>
        <source>Tier mix</source>
        <translation>等级分布</translation>
    </message>
    <message>
        <source>Takings, last 14 days</source>
        <translation>近14天营业额</translation>
    </message>
    <message>
        <source>Back within %1 days</source>
        <translation>%1 天内到过店</translation>
    </message>
    <message>
        <source>Dormant: away %1 days or more</source>
        <translation>沉睡：%1 天或更久未到店</translation>
    </message>
    <message>
        <source>Dormant counts members (active or card lost) not back for %1 days or more, or never back since joining that long ago; Follow-ups → Dormant → “All dormant” lists the same members, less those called lately.</source>
        <translation>沉睡会员：正常或挂失、%1 天或更久没有到店（或入会已满 %1 天却一直没有再来）的会员；回访 → 沉睡会员 → “全部沉睡会员”列出的就是这些人（近期已联系的除外）。</translation>
    </message>
    <message>
        <source>This month: %1 sales, %2; members bought %3 of them for %4</source>
        <translation>本月：%1 笔消费，共 %2；其中会员 %3 笔，共 %4</translation>
    </message>
    <message>
        <source>Active members</source>
        <translation>活跃</translation>
    </message>
    <message>
        <source>Frozen</source>
        <translation>冻结</translation>
    </message>
    <message>
        <source>Not back yet</source>
        <translation>未回店</translation>
    </message>
    <message>
        <source>Walk-in</source>
        <translation>散客</translation>
    </message>
    <message>
        <source>Call outcome: %1</source>
        <translation>回访结果：%1</translation>
    </message>
    <message>
        <source>Called by</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Called on</source>
        <translation>联系日期</translation>
    </message>
    <message>
        <source>List</source>
        <translation>名单</translation>
    </message>
    <message>
        <source>Usual period</source>
        <translation>默认期间</translation>
    </message>
    <message>
        <source>Next 7 days</source>
        <translation>未来7天</translation>
    </message>
    <message>
        <source>Next 30 days</source>
        <translation>未来30天</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近7天</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <source>Everyone</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Salesperson</source>
        <translation>所属导购</translation>
    </message>
    <message>
        <source>Show list</source>
        <translation>生成名单</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Last visit</source>
        <translation>最近消费</translation>
    </message>
    <message>
        <source>Last seen in store</source>
        <translation>最近到店</translation>
    </message>
    <message>
        <source>Spent</source>
        <translation>累计消费</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <source>Offers OK</source>
        <translation>同意营销</translation>
    </message>
    <message>
        <source>Print call sheet (PDF)…</source>
        <translation>打印回访表（PDF）…</translation>
    </message>
    <message>
        <source>Export for filling in…</source>
        <translation>导出表格（填写结果）…</translation>
    </message>
    <message>
        <source>Enter the chosen member's outcome…</source>
        <translation>录入所选会员的回访结果…</translation>
    </message>
    <message>
        <source>Take outcomes back from a sheet…</source>
        <translation>从表格导入回访结果…</translation>
    </message>
    <message>
        <source>All dormant, however long away</source>
        <translation>全部沉睡会员（不论多久未到店）</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
    <message>
        <source>Follow-up list</source>
        <translation>回访名单</translation>
    </message>
    <message>
        <source>Cancelled: no file was written</source>
        <translation>已取消：没有写出文件</translation>
    </message>
    <message>
        <source>Call sheet</source>
        <translation>回访表</translation>
    </message>
    <message>
        <source>Call sheet written: %1 rows, %2 pages → %3</source>
        <translation>回访表已生成：%1 行，%2 页 → %3</translation>
    </message>
    <message>
        <source>Call sheet PDF</source>
        <translation>生成回访表 PDF</translation>
    </message>
    <message>
        <source>Export the list</source>
        <translation>导出名单</translation>
    </message>
    <message>
        <source>Choose a member in the list first</source>
        <translation>请先在名单中选择一位会员</translation>
    </message>
    <message>
        <source>Filled-in call sheet</source>
        <translation>已填写的回访表</translation>
    </message>
    <message>
        <source>%1 outcomes taken back, %2 already there, %3 problem rows</source>
        <translation>已导入 %1 条回访结果，%2 条已存在，%3 行有问题</translation>
    </message>
    <message>
        <source>Taking outcomes back</source>
        <translation>正在导入回访结果</translation>
    </message>
    <message>
        <source>Cancelled: no outcome was taken back</source>
        <translation>已取消：没有导回任何回访结果</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>%1 · %2 · %3 members</source>
        <translation>%1 · %2 · 共 %3 位会员</translation>
    </message>
    <message>
        <source>; %1 dormant in all (as on the dashboard): %2 called lately or asking not to be called are left out</source>
        <translation>；共 %1 位沉睡会员（与仪表盘一致）：其中 %2 位近期已联系或不愿被联系，未列出</translation>
    </message>
    <message>
        <source>; as on the dashboard</source>
        <translation>；与仪表盘一致</translation>
    </message>
    <message>
        <source>%1 rows: %2 new, %3 updates, %4 with problems, %5 skipped</source>
        <translation>共 %1 行：新会员 %2，更新 %3，有问题 %4，跳过 %5</translation>
    </message>
    <message>
        <source> — dry run, nothing written</source>
        <translation>（试运行，未写入任何数据）</translation>
    </message>
    <message>
        <source> — %1 written</source>
        <translation>（已写入 %1 行）</translation>
    </message>
    <message>
        <source>Import members (.csv / .xlsx)</source>
        <translation>导入会员（.csv / .xlsx）</translation>
    </message>
    <message>
        <source>Choose a file and check it…</source>
        <translation>选择文件并检查…</translation>
    </message>
    <message>
        <source>Import the good rows</source>
        <translation>导入没有问题的行</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>What happens</source>
        <translation>处理</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Export members</source>
        <translation>导出会员</translation>
    </message>
    <message>
        <source>Full phone numbers (needs a manager)</source>
        <translation>完整手机号（需店长授权）</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Member sheet</source>
        <translation>会员表格</translation>
    </message>
    <message>
        <source>Checking %1…</source>
        <translation>正在检查 %1…</translation>
    </message>
    <message>
        <source>Not imported: correct it and check again</source>
        <translation>不导入：请改正后重新检查</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>跳过，不导入</translation>
    </message>
    <message>
        <source>Balance not opened</source>
        <translation>不建余额</translation>
    </message>
    <message>
        <source>Imported with an opening balance</source>
        <translation>导入并建期初余额</translation>
    </message>
    <message>
        <source>Column left out</source>
        <translation>此列不导入</translation>
    </message>
    <message>
        <source>Import stopped after %1 rows were written: %2</source>
        <translation>已写入 %1 行后导入停止：%2</translation>
    </message>
    <message>
        <source>Import stopped: %1 rows written; import the same file again to add the rest</source>
        <translation>导入已停止：已写入 %1 行；再次导入同一文件即可补上其余各行</translation>
    </message>
    <message>
        <source>Import cancelled: no member was changed</source>
        <translation>已取消导入：没有改动任何会员</translation>
    </message>
    <message>
        <source>Check cancelled</source>
        <translation>已取消检查</translation>
    </message>
    <message>
        <source>Importing</source>
        <translation>正在导入</translation>
    </message>
    <message>
        <source>Checking the sheet</source>
        <translation>正在检查表格</translation>
    </message>
    <message>
        <source>Members.xlsx</source>
        <translation>会员.xlsx</translation>
    </message>
    <message>
        <source>Export cancelled: no file was written</source>
        <translation>已取消导出：没有写出文件</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>正在导出</translation>
    </message>
    <message>
        <source>Exported %1 members to %2</source>
        <translation>已导出 %1 位会员到 %2</translation>
    </message>
    <message>
        <source>Follow-up lists</source>
        <translation>回访名单</translation>
    </message>
    <message>
        <source>Not available yet: the follow-up lists (core.followups) are not part of this build.</source>
        <translation>暂未提供：此版本还没有回访名单功能（core.followups）。</translation>
    </message>
    <message>
        <source>Print call sheet</source>
        <translation>打印回访表</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Enter outcomes</source>
        <translation>录入结果</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>连接方式</translation>
    </message>
    <message>
        <source>Printer connection</source>
        <translation>打印机连接方式</translation>
    </message>
    <message>
        <source>USB receipt printer</source>
        <translation>USB 小票打印机</translation>
    </message>
    <message>
        <source>Network printer (by IP address)</source>
        <translation>网络打印机（按 IP 地址）</translation>
    </message>
    <message>
        <source>Serial port printer</source>
        <translation>串口打印机</translation>
    </message>
    <message>
        <source>Preview only (no printing)</source>
        <translation>仅预览（不打印）</translation>
    </message>
    <message>
        <source>Other (Windows printer name or device file)</source>
        <translation>其他（Windows 打印机名称或设备文件）</translation>
    </message>
    <message>
        <source>Look again</source>
        <translation>重新查找</translation>
    </message>
    <message>
        <source>USB printers found</source>
        <translation>找到的 USB 打印机</translation>
    </message>
    <message>
        <source>Vendor ID (VID)</source>
        <translation>厂商编号（VID）</translation>
    </message>
    <message>
        <source>e.g. 0416</source>
        <translation>例如 0416</translation>
    </message>
    <message>
        <source>Product ID (PID)</source>
        <translation>产品编号（PID）</translation>
    </message>
    <message>
        <source>e.g. 5011</source>
        <translation>例如 5011</translation>
    </message>
    <message>
        <source>IP address</source>
        <translation>IP 地址</translation>
    </message>
    <message>
        <source>e.g. 192.168.1.50</source>
        <translation>例如 192.168.1.50</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>The printer prints its IP address on its self-test slip: switch it off, hold its FEED button and switch it on. The port is almost always 9100.</source>
        <translation>打印机的 IP 地址印在它的自检页上：先关机，按住 FEED（走纸）键再开机即可打出。端口几乎都是 9100。</translation>
    </message>
    <message>
        <source>Serial port</source>
        <translation>串口</translation>
    </message>
    <message>
        <source>Baud rate</source>
        <translation>波特率</translation>
    </message>
    <message>
        <source>No printer: receipts and slips are shown on the screen. Good for trying the program out.</source>
        <translation>不接打印机：小票和单据显示在屏幕上，适合先试用。</translation>
    </message>
    <message>
        <source>For example: %1.</source>
        <translation>例如：%1。</translation>
    </message>
    <message>
        <source>Paper width</source>
        <translation>纸宽</translation>
    </message>
    <message>
        <source>%1 mm (%2 columns)</source>
        <translation>%1 毫米（%2 列）</translation>
    </message>
    <message>
        <source>Chinese encoding</source>
        <translation>中文编码</translation>
    </message>
    <message>
        <source>Receipt number as</source>
        <translation>小票号打印为</translation>
    </message>
    <message>
        <source>QR code and barcode</source>
        <translation>二维码和条码</translation>
    </message>
    <message>
        <source>QR code</source>
        <translation>二维码</translation>
    </message>
    <message>
        <source>Barcode</source>
        <translation>条码</translation>
    </message>
    <message>
        <source>Text only</source>
        <translation>仅文字</translation>
    </message>
    <message>
        <source>Cut the paper</source>
        <translation>自动切纸</translation>
    </message>
    <message>
        <source>Open the drawer on cash sales</source>
        <translation>现金收款时弹出钱箱</translation>
    </message>
    <message>
        <source>USB printers cannot be looked for: %1. Type the two IDs from the printer's label or manual (4 characters each, 0-9 and A-F).</source>
        <translation>无法查找 USB 打印机：%1。请照打印机标签或说明书填写这两个编号（各 4 位，由 0-9 和 A-F 组成）。</translation>
    </message>
    <message>
        <source>No USB printer found: plug it in, switch it on and press Look again, or type the two IDs from the printer's label or manual (4 characters each, 0-9 and A-F).</source>
        <translation>没有找到 USB 打印机：请接好线、打开打印机，再点“重新查找”；也可以照打印机标签或说明书填写这两个编号（各 4 位，由 0-9 和 A-F 组成）。</translation>
    </message>
    <message>
        <source>Choose the printer above, or type the two IDs from the printer's label or manual (4 characters each, 0-9 and A-F).</source>
        <translation>请在上面选择打印机，或照打印机标签或说明书填写这两个编号（各 4 位，由 0-9 和 A-F 组成）。</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Print a test page</source>
        <translation>打印测试页</translation>
    </message>
    <message>
        <source>Open the cash drawer</source>
        <translation>打开钱箱</translation>
    </message>
    <message>
        <source>Looking for USB printers…</source>
        <translation>正在查找 USB 打印机…</translation>
    </message>
    <message>
        <source>USB printer</source>
        <translation>USB 打印机</translation>
    </message>
    <message>
        <source>(none found)</source>
        <translation>（没有找到）</translation>
    </message>
    <message>
        <source>Looking for printers</source>
        <translation>查找打印机</translation>
    </message>
    <message>
        <source>Printer settings saved</source>
        <translation>打印机设置已保存</translation>
    </message>
    <message>
        <source>none</source>
        <translation>不打折</translation>
    </message>
    <message>
        <source>Earning and redeeming</source>
        <translation>积分获得与使用</translation>
    </message>
    <message>
        <source>Spend (yuan) for 1 point</source>
        <translation>每得 1 积分需消费（元）</translation>
    </message>
    <message>
        <source>Points worth 1 yuan</source>
        <translation>多少积分抵 1 元</translation>
    </message>
    <message>
        <source>Fewest points per redemption</source>
        <translation>每次最少使用积分</translation>
    </message>
    <message>
        <source>Redeem in steps of</source>
        <translation>使用积分的单位</translation>
    </message>
    <message>
        <source>Points pay at most (% of a sale)</source>
        <translation>积分最多抵扣（订单的 %）</translation>
    </message>
    <message>
        <source>Points expire</source>
        <translation>积分过期</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source>N months after earning</source>
        <translation>获得后 N 个月</translation>
    </message>
    <message>
        <source>Cleared once a year</source>
        <translation>每年清零一次</translation>
    </message>
    <message>
        <source>Months (when they expire after N months)</source>
        <translation>月数（按月过期时）</translation>
    </message>
    <message>
        <source>Cleared on (month)</source>
        <translation>清零日期（月）</translation>
    </message>
    <message>
        <source>Cleared on (day)</source>
        <translation>清零日期（日）</translation>
    </message>
    <message>
        <source>Kept past the clearing day</source>
        <translation>清零时积分多保留</translation>
    </message>
    <message>
        <source>Not kept (valid to the next clearing day)</source>
        <translation>不多保留（到下一个清零日为止）</translation>
    </message>
    <message>
        <source>One more year</source>
        <translation>多保留1年</translation>
    </message>
    <message>
        <source>Two more years</source>
        <translation>多保留2年</translation>
    </message>
    <message>
        <source>Promotions</source>
        <translation>促销活动</translation>
    </message>
    <message>
        <source>Double points every</source>
        <translation>双倍积分日</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Monday</source>
        <translation>星期一</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation>星期二</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation>星期三</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation>星期四</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation>星期五</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>星期六</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>星期日</translation>
    </message>
    <message>
        <source>Member day (day of month, 0 = off)</source>
        <translation>会员日（每月几号，0 = 关闭）</translation>
    </message>
    <message>
        <source>Member day: points ×% (100 = 1×)</source>
        <translation>会员日：积分倍率 %（100 = 1倍）</translation>
    </message>
    <message>
        <source>Sign-up bonus points</source>
        <translation>开卡赠送积分</translation>
    </message>
    <message>
        <source>Referral bonus points</source>
        <translation>推荐奖励积分</translation>
    </message>
    <message>
        <source>Stored value is spent</source>
        <translation>储值扣款顺序</translation>
    </message>
    <message>
        <source>Paid money first</source>
        <translation>先扣本金</translation>
    </message>
    <message>
        <source>Bonus first</source>
        <translation>先扣赠送</translation>
    </message>
    <message>
        <source>In proportion</source>
        <translation>按比例</translation>
    </message>
    <message>
        <source>Refund after the points were spent</source>
        <translation>积分已用完时退货</translation>
    </message>
    <message>
        <source>Refuse the refund</source>
        <translation>拒绝退货</translation>
    </message>
    <message>
        <source>Allow negative points</source>
        <translation>允许积分为负</translation>
    </message>
    <message>
        <source>Deduct their value from the money back</source>
        <translation>从退款中扣除积分价值</translation>
    </message>
    <message>
        <source>Count cards: unused visits refunded</source>
        <translation>次卡未用次数退款</translation>
    </message>
    <message>
        <source>The unused share of the price</source>
        <translation>按未用比例退还售价</translation>
    </message>
    <message>
        <source>The price less used visits at the item's price</source>
        <translation>售价减去已用次数的单次价</translation>
    </message>
    <message>
        <source>Not refunded</source>
        <translation>不退</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Coupon name</source>
        <translation>券名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Takes off (yuan; zhe if percent)</source>
        <translation>优惠（元；折扣券填折数）</translation>
    </message>
    <message>
        <source>Spend at least (yuan)</source>
        <translation>最低消费（元）</translation>
    </message>
    <message>
        <source>At most off (yuan)</source>
        <translation>最高优惠（元）</translation>
    </message>
    <message>
        <source>Gift item code</source>
        <translation>赠品商品编码</translation>
    </message>
    <message>
        <source>Valid for (days)</source>
        <translation>有效期（天）</translation>
    </message>
    <message>
        <source>From spend (yuan)</source>
        <translation>消费门槛（元）</translation>
    </message>
    <message>
        <source>Tier name</source>
        <translation>等级名称</translation>
    </message>
    <message>
        <source>Points ×%</source>
        <translation>积分倍率 %</translation>
    </message>
    <message>
        <source>Times per birthday (0 = every purchase)</source>
        <translation>每次生日可用次数（0 为每次消费）</translation>
    </message>
    <message>
        <source>%1 zhe</source>
        <translation>%1折</translation>
    </message>
    <message>
        <source>Member day discount (zhe)</source>
        <translation>会员日折扣（折）</translation>
    </message>
    <message>
        <source>Discount (zhe: 95 = 5 % off)</source>
        <translation>折扣（折）</translation>
    </message>
    <message>
        <source>Tiers (spend over the window)</source>
        <translation>会员等级（按周期内消费）</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>统计周期</translation>
    </message>
    <message>
        <source>Last 12 months</source>
        <translation>最近12个月</translation>
    </message>
    <message>
        <source>Calendar year</source>
        <translation>自然年</translation>
    </message>
    <message>
        <source>Current quarter</source>
        <translation>本季度</translation>
    </message>
    <message>
        <source>Lifetime</source>
        <translation>累计</translation>
    </message>
    <message>
        <source>Rolling days</source>
        <translation>滚动天数</translation>
    </message>
    <message>
        <source>Move down at review</source>
        <translation>评级时可降级</translation>
    </message>
    <message>
        <source>Top up at least (yuan)</source>
        <translation>充值满（元）</translation>
    </message>
    <message>
        <source>Bonus (yuan)</source>
        <translation>赠送（元）</translation>
    </message>
    <message>
        <source>Top-up bonus</source>
        <translation>充值赠送（充…送…）</translation>
    </message>
    <message>
        <source>Stored value limit (yuan, 0 = no limit)</source>
        <translation>储值上限（元，0 = 不限）</translation>
    </message>
    <message>
        <source>Birthday privilege (printed on the receipt)</source>
        <translation>生日特权（印在小票上）</translation>
    </message>
    <message>
        <source>Birthday privilege</source>
        <translation>生日特权</translation>
    </message>
    <message>
        <source>No birthday privilege</source>
        <translation>不设</translation>
    </message>
    <message>
        <source>A discount</source>
        <translation>折扣</translation>
    </message>
    <message>
        <source>More points</source>
        <translation>多倍积分</translation>
    </message>
    <message>
        <source>A gift</source>
        <translation>送礼品</translation>
    </message>
    <message>
        <source>When it applies</source>
        <translation>适用时间</translation>
    </message>
    <message>
        <source>On the birthday</source>
        <translation>生日当天</translation>
    </message>
    <message>
        <source>In the birthday week</source>
        <translation>生日当周</translation>
    </message>
    <message>
        <source>In the birthday month</source>
        <translation>生日当月</translation>
    </message>
    <message>
        <source>Discount (zhe)</source>
        <translation>折扣（折）</translation>
    </message>
    <message>
        <source>Points ×% (200 = double)</source>
        <translation>积分倍数 %（200 = 双倍）</translation>
    </message>
    <message>
        <source>Gift name</source>
        <translation>礼品名称</translation>
    </message>
    <message>
        <source>Coupon types</source>
        <translation>优惠券种类</translation>
    </message>
    <message>
        <source>Not an amount</source>
        <translation>不是有效金额</translation>
    </message>
    <message>
        <source>Row %1: not a number</source>
        <translation>第 %1 行：不是数字</translation>
    </message>
    <message>
        <source>Row %1: not an amount</source>
        <translation>第 %1 行：不是有效金额</translation>
    </message>
    <message>
        <source>Row %1: </source>
        <translation>第 %1 行：</translation>
    </message>
    <message>
        <source>Start from a preset</source>
        <translation>从预设方案开始</translation>
    </message>
    <message>
        <source>Load preset</source>
        <translation>载入预设</translation>
    </message>
    <message>
        <source>Save as a new version</source>
        <translation>保存为新版本</translation>
    </message>
    <message>
        <source>Program in force: version %1 (%2)</source>
        <translation>当前方案：第 %1 版（%2）</translation>
    </message>
    <message>
        <source>%1 problem(s) to fix before saving</source>
        <translation>还有 %1 个问题，改正后才能保存</translation>
    </message>
    <message>
        <source>Saved as version %1; it applies from the next sale</source>
        <translation>已保存为第 %1 版，从下一笔消费起生效</translation>
    </message>
    <message>
        <source>Opening float</source>
        <translation>开班备用金</translation>
    </message>
    <message>
        <source>Sales</source>
        <translation>消费</translation>
    </message>
    <message>
        <source>Sales by tender</source>
        <translation>按支付方式</translation>
    </message>
    <message>
        <source>Refunds</source>
        <translation>退货</translation>
    </message>
    <message>
        <source>Top-ups</source>
        <translation>充值</translation>
    </message>
    <message>
        <source>Stored value paid out</source>
        <translation>储值退现</translation>
    </message>
    <message>
        <source>Points earned / redeemed</source>
        <translation>积分 获得 / 使用</translation>
    </message>
    <message>
        <source>Short %1</source>
        <translation>短款 %1</translation>
    </message>
    <message>
        <source>Over %1</source>
        <translation>长款 %1</translation>
    </message>
    <message>
        <source>No difference</source>
        <translation>无差额</translation>
    </message>
    <message>
        <source>Opened at</source>
        <translation>开班时间</translation>
    </message>
    <message>
        <source>New members</source>
        <translation>新会员</translation>
    </message>
    <message>
        <source>Cash expected in the drawer</source>
        <translation>钱箱应有现金</translation>
    </message>
    <message>
        <source>Cash counted</source>
        <translation>实点现金</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差额</translation>
    </message>
    <message>
        <source>Left in the drawer for the next shift</source>
        <translation>留给下一班的备用金</translation>
    </message>
    <message>
        <source>Taken out of the drawer</source>
        <translation>取出上交</translation>
    </message>
    <message>
        <source>The drawer does not match</source>
        <translation>钱箱对不上</translation>
    </message>
    <message>
        <source>The difference is more than %1. Count the drawer again, or write what happened and close the shift.</source>
        <translation>差额超过 %1。请重新点钞，或写明原因后交班。</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Count again</source>
        <translation>重新点钞</translation>
    </message>
    <message>
        <source>Confirm and close the shift</source>
        <translation>确认并交班</translation>
    </message>
    <message>
        <source>Write what happened first</source>
        <translation>请先写明原因</translation>
    </message>
    <message>
        <source>My shift</source>
        <translation>我的班次</translation>
    </message>
    <message>
        <source>Count the cash in the drawer and type it: what the drawer should hold is shown once your count is in.</source>
        <translation>请先点清钱箱里的现金并输入：输入实点金额后才显示应有现金。</translation>
    </message>
    <message>
        <source>Cash counted (yuan)</source>
        <translation>实点现金（元）</translation>
    </message>
    <message>
        <source>Leave in the drawer for the next shift (yuan)</source>
        <translation>留给下一班的备用金（元）</translation>
    </message>
    <message>
        <source>I stay on: open my next shift with the cash left in the drawer</source>
        <translation>我继续上班：用留在钱箱的现金作备用金开下一班</translation>
    </message>
    <message>
        <source>Last shift closed</source>
        <translation>上一次交班</translation>
    </message>
    <message>
        <source>Reprinting the shift slip</source>
        <translation>正在重印交班单</translation>
    </message>
    <message>
        <source>A difference above %1 now needs a note</source>
        <translation>差额超过 %1 时须写备注</translation>
    </message>
    <message>
        <source>Close shift and print the slip</source>
        <translation>交班并打印交班单</translation>
    </message>
    <message>
        <source>Refunds: points taken back / returned</source>
        <translation>退货积分 扣回 / 退回</translation>
    </message>
    <message>
        <source>Shift closed at</source>
        <translation>交班时间</translation>
    </message>
    <message>
        <source>Refunds by tender</source>
        <translation>退货退款方式</translation>
    </message>
    <message>
        <source>Refunds: not given back</source>
        <translation>退货未退回</translation>
    </message>
    <message>
        <source>Count cards sold less refunded</source>
        <translation>次卡净额（售卡－退卡）</translation>
    </message>
    <message>
        <source>Reprint the shift slip</source>
        <translation>重印交班单</translation>
    </message>
    <message>
        <source>Today, all cashiers</source>
        <translation>今日（全部收银员）</translation>
    </message>
    <message>
        <source>A difference above this needs a note (yuan)</source>
        <translation>差额超过此数须写备注（元）</translation>
    </message>
    <message>
        <source>No shift is open.</source>
        <translation>没有进行中的班次。</translation>
    </message>
    <message>
        <source>Business day</source>
        <translation>营业日</translation>
    </message>
    <message>
        <source>Day before</source>
        <translation>前一天</translation>
    </message>
    <message>
        <source>Day after</source>
        <translation>后一天</translation>
    </message>
    <message>
        <source>Print on the receipt printer</source>
        <translation>用小票打印机打印</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>保存为 PDF…</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Printing the day-end report of %1</source>
        <translation>正在打印 %1 的日结报表</translation>
    </message>
    <message>
        <source>Save the day-end report</source>
        <translation>保存日结报表</translation>
    </message>
    <message>
        <source>Saved %1 (%2 pages)</source>
        <translation>已保存 %1（%2 页）</translation>
    </message>
    <message>
        <source>Day-end report PDF</source>
        <translation>日结报表 PDF</translation>
    </message>
    <message>
        <source>Of which members</source>
        <translation>其中会员</translation>
    </message>
    <message>
        <source>Discounts given</source>
        <translation>优惠金额</translation>
    </message>
    <message>
        <source>Count the drawer and type what it holds</source>
        <translation>请先点钞并输入钱箱里的现金</translation>
    </message>
    <message>
        <source>Shift closed; %1</source>
        <translation>已交班；%1</translation>
    </message>
    <message>
        <source>Shift slip</source>
        <translation>交班单</translation>
    </message>
    <message>
        <source>Shop name</source>
        <translation>店名</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Shop phone</source>
        <translation>店铺电话</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>时区</translation>
    </message>
    <message>
        <source>Receipt footer</source>
        <translation>小票页脚</translation>
    </message>
    <message>
        <source>Store code</source>
        <translation>门店编号</translation>
    </message>
    <message>
        <source>Till number</source>
        <translation>收银台号</translation>
    </message>
    <message>
        <source>Card number prefix</source>
        <translation>卡号前缀</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Please enter the shop's name</source>
        <translation>请填写店名</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>Working here</source>
        <translation>在职</translation>
    </message>
    <message>
        <source>Add staff</source>
        <translation>添加员工</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN 码</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>The chosen person</source>
        <translation>所选员工</translation>
    </message>
    <message>
        <source>New PIN</source>
        <translation>新 PIN 码</translation>
    </message>
    <message>
        <source>Save role and status</source>
        <translation>保存修改</translation>
    </message>
    <message>
        <source>Reset PIN</source>
        <translation>重设 PIN 码</translation>
    </message>
    <message>
        <source>Owner's recovery code</source>
        <translation>老板恢复码</translation>
    </message>
    <message>
        <source>Make a new recovery code</source>
        <translation>生成新的恢复码</translation>
    </message>
    <message>
        <source>A recovery code was made; making a new one stops the old one from working.</source>
        <translation>已生成恢复码；生成新的恢复码后，旧的即作废。</translation>
    </message>
    <message>
        <source>There is no recovery code yet: make one and write it down. Without it, a forgotten owner's PIN cannot be set again.</source>
        <translation>还没有恢复码：请生成一个并抄下。没有它，老板忘记 PIN 后将无法重设。</translation>
    </message>
    <message>
        <source>The changes for %1 are not saved. Choose someone else and lose them?</source>
        <translation>%1 的修改还没有保存。改选其他员工，这些修改就会丢失，仍要改选吗？</translation>
    </message>
    <message>
        <source>The chosen person: %1</source>
        <translation>所选员工：%1</translation>
    </message>
    <message>
        <source>%1 added</source>
        <translation>已添加 %1</translation>
    </message>
    <message>
        <source>%1 saved</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>PIN of %1 reset</source>
        <translation>已重设 %1 的 PIN 码</translation>
    </message>
    <message>
        <source>Sync is not set up: type the head office address and this till's id on the Sync to head office page and save them</source>
        <translation>还没有设置同步：请在“同步到总部”页填写总部地址和本收银台的编号并保存</translation>
    </message>
    <message>
        <source>This till has no access code yet: type the access code head office gave it on the Sync to head office page and save it</source>
        <translation>本收银台还没有接入码：请在“同步到总部”页填写总部给的接入码并保存</translation>
    </message>
    <message>
        <source>Head office does not accept this till's access code (mistyped or cancelled): ask head office for a new one and type it on the Sync to head office page</source>
        <translation>总部不接受本收银台的接入码（填错了或已作废）：请向总部要一个新的接入码，填到“同步到总部”页</translation>
    </message>
    <message>
        <source>This access code belongs to another till, not %1: check this till's number, or ask head office for this till's access code</source>
        <translation>这个接入码属于另一台收银台，不是 %1 的：请核对本收银台编号，或向总部要本收银台的接入码</translation>
    </message>
    <message>
        <source>This computer already sends to head office as till %1; as %2 it would send every record again. If the access code is lost, ask head office for a new one for till %1</source>
        <translation>这台电脑已经以收银台 %1 向总部同步过；改成 %2 会把全部记录重新发送一遍。接入码丢了的话，请向总部为收银台 %1 要一个新的接入码</translation>
    </message>
    <message>
        <source>Type the access code head office gave this till</source>
        <translation>请填写总部给本收银台的接入码</translation>
    </message>
    <message>
        <source>Sync: not set up</source>
        <translation>同步：未设置</translation>
    </message>
    <message>
        <source>Sync: %1 waiting</source>
        <translation>同步：%1 条待上传</translation>
    </message>
    <message>
        <source>, last sent %1</source>
        <translation>，上次成功 %1</translation>
    </message>
    <message>
        <source>, %1 problem(s)</source>
        <translation>，%1 个问题</translation>
    </message>
    <message>
        <source>Sending to head office</source>
        <translation>正在上传到总部</translation>
    </message>
    <message>
        <source>Ask head office for three things: its address, this till's number and this till's access code.</source>
        <translation>请向总部要这三样：总部地址、本收银台编号和接入码。</translation>
    </message>
    <message>
        <source>Head office address</source>
        <translation>总部地址</translation>
    </message>
    <message>
        <source>This till's number (from head office)</source>
        <translation>本收银台编号（总部给的）</translation>
    </message>
    <message>
        <source>Access code (from head office)</source>
        <translation>接入码（总部给的）</translation>
    </message>
    <message>
        <source>The access code is kept in this computer's secure storage, never in the shop's data; leave the box empty to keep the one saved.</source>
        <translation>接入码保存在本机的安全存储里，不会写进店里的数据；留空则继续使用已保存的接入码。</translation>
    </message>
    <message>
        <source>This computer has no secure storage: the access code is kept only until the program closes; type it here again after a restart.</source>
        <translation>这台电脑没有安全存储：接入码只保留到程序关闭为止，重新打开后请在这里再填一次。</translation>
    </message>
    <message>
        <source>Saved; the access code is in this computer's secure storage</source>
        <translation>已保存；接入码已存入本机的安全存储</translation>
    </message>
    <message>
        <source>Saved; this computer has no secure storage, so the access code is kept only until the program closes</source>
        <translation>已保存；这台电脑没有安全存储，接入码只保留到程序关闭为止</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Sync problems (events head office refused)</source>
        <translation>同步问题（总部拒收的记录）</translation>
    </message>
    <message>
        <source>#</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>What</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Already sending to head office…</source>
        <translation>正在发送到总部，请稍候…</translation>
    </message>
    <message>
        <source>What is typed on this page is not saved yet: press Save first, then Sync now</source>
        <translation>本页填写的内容还没有保存：请先按“保存”，再按“立即同步”</translation>
    </message>
    <message>
        <source>Done: %1 change(s) sent to head office, %2 refused, %3 still waiting</source>
        <translation>完成：已发送 %1 条记录到总部，被拒 %2 条，仍在等待 %3 条</translation>
    </message>
    <message>
        <source>Done: nothing was waiting, head office has everything</source>
        <translation>完成：没有待发送的记录，总部已全部收到</translation>
    </message>
    <message>
        <source>Sending to head office…</source>
        <translation>正在发送到总部…</translation>
    </message>
    <message>
        <source>Something went wrong: %1 (details are in the log)</source>
        <translation>出错了：%1（详情见日志）</translation>
    </message>
    <message>
        <source>Till</source>
        <translation>收银</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>回访</translation>
    </message>
    <message>
        <source>Back office</source>
        <translation>后台</translation>
    </message>
    <message>
        <source>Sales journal</source>
        <translation>销售记录</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Daily backup</source>
        <translation>每日备份</translation>
    </message>
    <message>
        <source>Daily upkeep</source>
        <translation>每日维护</translation>
    </message>
    <message>
        <source>Demo shop: not your shop's data</source>
        <translation>演示店：不是本店的数据</translation>
    </message>
    <message>
        <source>Sales on hold</source>
        <translation>挂单未结</translation>
    </message>
    <message>
        <source>You have %1 sale(s) on hold. They are kept: anyone logging in at this till can take them back with F8. Leave anyway?</source>
        <translation>您还有 %1 笔挂单。挂单会保留：在本收银台登录的人都可以按 F8 取回。仍要离开吗？</translation>
    </message>
    <message>
        <source>%1 on hold (F8)</source>
        <translation>挂单 %1 笔（F8）</translation>
    </message>
    <message>
        <source>The sale on the till was put on hold.</source>
        <translation>收银台上的这笔销售已挂单。</translation>
    </message>
    <message>
        <source>Leave</source>
        <translation>离开</translation>
    </message>
    <message>
        <source>Stay</source>
        <translation>留下</translation>
    </message>
    <message>
        <source>preview, nothing is recorded</source>
        <translation>预览画面，不记账</translation>
    </message>
    <message>
        <source>shift open</source>
        <translation>班次进行中</translation>
    </message>
    <message>
        <source>no shift</source>
        <translation>未开班</translation>
    </message>
    <message>
        <source>Manager's PIN needed</source>
        <translation>需要店长授权</translation>
    </message>
    <message>
        <source>%1 needs a manager or the owner. Ask them to type their PIN.</source>
        <translation>“%1”需要店长或老板授权，请他们输入 PIN 码。</translation>
    </message>
    <message>
        <source>Who approves? Choose your name</source>
        <translation>谁来审批？请选择您的名字</translation>
    </message>
    <message>
        <source>No manager or owner is set up</source>
        <translation>还没有店长或老板账号</translation>
    </message>
    <message>
        <source>Choose who approves first</source>
        <translation>请先选择审批人</translation>
    </message>
    <message>
        <source>%1 is not a manager</source>
        <translation>%1 不是店长</translation>
    </message>
    <message>
        <source>Scan the receipt's barcode or type its number, then Enter</source>
        <translation>扫描小票条码，或输入小票号后按回车</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>小票号</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>已退</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>Paid by</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <source>Show older sales</source>
        <translation>显示更早的销售</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>card, phone, name</source>
        <translation>卡号、手机号、姓名</translation>
    </message>
    <message>
        <source>Walk-ins only</source>
        <translation>只看散客</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>walk-in</source>
        <translation>散客</translation>
    </message>
    <message>
        <source>No sale matches</source>
        <translation>没有符合条件的销售</translation>
    </message>
    <message>
        <source>Newest %1 shown</source>
        <translation>显示最新的 %1 笔</translation>
    </message>
    <message>
        <source>%1 sales</source>
        <translation>共 %1 笔</translation>
    </message>
    <message>
        <source>Reprinting %1</source>
        <translation>正在重印 %1</translation>
    </message>
    <message>
        <source>Cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <source>Refund the chosen sale…</source>
        <translation>退所选小票…</translation>
    </message>
    <message>
        <source>Unit price</source>
        <translation>单价</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>已退</translation>
    </message>
    <message>
        <source>Refunds of this sale</source>
        <translation>本单的退货</translation>
    </message>
    <message>
        <source>Paid back</source>
        <translation>退款方式</translation>
    </message>
    <message>
        <source>Authorised by</source>
        <translation>授权人</translation>
    </message>
    <message>
        <source>Refund…</source>
        <translation>退货…</translation>
    </message>
    <message>
        <source>Reprint receipt</source>
        <translation>重印小票</translation>
    </message>
    <message>
        <source>Scan a receipt, or choose a sale in the list.</source>
        <translation>扫描小票，或在列表中选择一笔销售。</translation>
    </message>
    <message>
        <source>member %1 (card %2)</source>
        <translation>会员 %1（卡号 %2）</translation>
    </message>
    <message>
        <source>walk-in customer</source>
        <translation>散客</translation>
    </message>
    <message>
        <source>Receipt %1 · %2 · cashier %3 · %4</source>
        <translation>小票 %1 · %2 · 收银员 %3 · %4</translation>
    </message>
    <message>
        <source>Subtotal %1 · discounts %2 · total %3 · paid by %4</source>
        <translation>小计 %1 · 优惠 %2 · 应收 %3 · 付款 %4</translation>
    </message>
    <message>
        <source> (cash received %1, change %2)</source>
        <translation>（收现金 %1，找零 %2）</translation>
    </message>
    <message>
        <source> · refunded %1</source>
        <translation> · 已退款 %1</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>余额</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Points ledger</source>
        <translation>积分明细</translation>
    </message>
    <message>
        <source>Stored</source>
        <translation>本金</translation>
    </message>
    <message>
        <source>Bonus</source>
        <translation>赠送</translation>
    </message>
    <message>
        <source>Stored after</source>
        <translation>本金余额</translation>
    </message>
    <message>
        <source>Bonus after</source>
        <translation>赠送余额</translation>
    </message>
    <message>
        <source>Reverse the chosen top-up…</source>
        <translation>撤销所选充值…</translation>
    </message>
    <message>
        <source>Stored-value ledger</source>
        <translation>储值明细</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>次数</translation>
    </message>
    <message>
        <source>Visits left</source>
        <translation>剩余次数</translation>
    </message>
    <message>
        <source>Money</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Count card</source>
        <translation>次卡</translation>
    </message>
    <message>
        <source>Count cards</source>
        <translation>次卡</translation>
    </message>
    <message>
        <source>By</source>
        <translation>回访人</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Call log</source>
        <translation>回访记录</translation>
    </message>
    <message>
        <source>Edit member</source>
        <translation>编辑会员</translation>
    </message>
    <message>
        <source>Issue a member card</source>
        <translation>办理会员卡</translation>
    </message>
    <message>
        <source>Mobile phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>年-月-日</translation>
    </message>
    <message>
        <source>Lunar</source>
        <translation>农历</translation>
    </message>
    <message>
        <source>Leap month</source>
        <translation>闰月</translation>
    </message>
    <message>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <source>Guardian consent</source>
        <translation>监护人同意</translation>
    </message>
    <message>
        <source>A parent or guardian consents to this membership (member under 14)</source>
        <translation>父母或其他监护人同意办理会员（未满14周岁）</translation>
    </message>
    <message>
        <source>Referred by (card or phone)</source>
        <translation>推荐人（卡号或手机号）</translation>
    </message>
    <message>
        <source>Pre-printed card number (blank: generate)</source>
        <translation>预制卡号（留空自动生成）</translation>
    </message>
    <message>
        <source>Marketing</source>
        <translation>营销</translation>
    </message>
    <message>
        <source>Agrees to receive offers</source>
        <translation>同意接收优惠信息</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>What was typed for this member is not saved. Close and lose it?</source>
        <translation>这位会员的资料还没有保存。关闭此窗口，已输入的内容就会丢失，仍要关闭吗？</translation>
    </message>
    <message>
        <source>%1 rows: %2 new items, %3 items changed, %4 with problems, %5 unchanged</source>
        <translation>共 %1 行：新商品 %2，修改 %3，有问题 %4，无变化 %5</translation>
    </message>
    <message>
        <source>Edit item</source>
        <translation>编辑商品</translation>
    </message>
    <message>
        <source>Add an item</source>
        <translation>新增商品</translation>
    </message>
    <message>
        <source>Item code (blank: the first barcode)</source>
        <translation>商品编码（不填：用第一个条码）</translation>
    </message>
    <message>
        <source>Barcodes (several: separate with spaces)</source>
        <translation>条码（多个用空格分开）</translation>
    </message>
    <message>
        <source>Item name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Member price ¥ (blank: none)</source>
        <translation>会员价 ¥（不填：无）</translation>
    </message>
    <message>
        <source>Never discounted</source>
        <translation>不打折（任何折扣都不参与）</translation>
    </message>
    <message>
        <source>What is paid for it earns points</source>
        <translation>消费金额计入积分</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Import items: %1</source>
        <translation>导入商品：%1</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Importing items</source>
        <translation>正在导入商品</translation>
    </message>
    <message>
        <source>Categories in the loyalty program</source>
        <translation>会员方案中的商品分类</translation>
    </message>
    <message>
        <source>A member's discount on a category (9.5: they pay 95 %) competes with the tier's and the day's: the best one applies, they never add up.</source>
        <translation>会员在某分类上的折扣（如 9.5 = 95折）与等级折扣、会员日折扣比较，取最优的一种，不叠加。</translation>
    </message>
    <message>
        <source>Members pay (tenths)</source>
        <translation>会员折扣（折）</translation>
    </message>
    <message>
        <source>Earns points</source>
        <translation>积分</translation>
    </message>
    <message>
        <source>Save as a new program version</source>
        <translation>保存为新的方案版本</translation>
    </message>
    <message>
        <source>Categories</source>
        <translation>商品分类</translation>
    </message>
    <message>
        <source>Name, pinyin, code or barcode</source>
        <translation>名称、拼音、编码或条码</translation>
    </message>
    <message>
        <source>All items</source>
        <translation>全部商品</translation>
    </message>
    <message>
        <source>On sale</source>
        <translation>在售</translation>
    </message>
    <message>
        <source>Deactivated</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>‹ Previous</source>
        <translation>‹ 上一页</translation>
    </message>
    <message>
        <source>Next ›</source>
        <translation>下一页 ›</translation>
    </message>
    <message>
        <source>Item code</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>The item's changes are not saved. Close and lose them?</source>
        <translation>商品的修改还没有保存。关闭此窗口，这些修改就会丢失，仍要关闭吗？</translation>
    </message>
    <message>
        <source>Use it</source>
        <translation>仍然使用</translation>
    </message>
    <message>
        <source>Change the code</source>
        <translation>修改编码</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>提示：%1</translation>
    </message>
    <message>
        <source>The categories' changes are not saved. Close and lose them?</source>
        <translation>商品分类的修改还没有保存。关闭此窗口，这些修改就会丢失，仍要关闭吗？</translation>
    </message>
    <message>
        <source>Member price</source>
        <translation>会员价</translation>
    </message>
    <message>
        <source>Barcodes</source>
        <translation>条码</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Add an item…</source>
        <translation>新增商品…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Categories…</source>
        <translation>分类规则…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>全部分类</translation>
    </message>
    <message>
        <source>%1 items (%2–%3)</source>
        <translation>共 %1 个商品（第 %2–%3 个）</translation>
    </message>
    <message>
        <source>No item matches</source>
        <translation>没有相符的商品</translation>
    </message>
    <message>
        <source>Reactivate</source>
        <translation>重新启用</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>已保存：%1</translation>
    </message>
    <message>
        <source>%1 is on sale again</source>
        <translation>%1 已重新启用</translation>
    </message>
    <message>
        <source>%1 is deactivated</source>
        <translation>%1 已停用</translation>
    </message>
    <message>
        <source>The loyalty program was saved</source>
        <translation>会员方案已保存</translation>
    </message>
    <message>
        <source>Item sheet</source>
        <translation>商品表格</translation>
    </message>
    <message>
        <source>Export items</source>
        <translation>导出商品</translation>
    </message>
    <message>
        <source>Exported %1 items to %2</source>
        <translation>已导出 %1 个商品到 %2</translation>
    </message>
    <message>
        <source>Card, phone, last 4 digits, name or pinyin initials, then Enter</source>
        <translation>卡号、手机号、手机尾号4位、姓名或拼音首字母，按回车</translation>
    </message>
    <message>
        <source>Issue a card (F3)</source>
        <translation>办卡 (F3)</translation>
    </message>
    <message>
        <source>All but cancelled</source>
        <translation>全部（注销的除外）</translation>
    </message>
    <message>
        <source>Joined</source>
        <translation>入会</translation>
    </message>
    <message>
        <source>Every store</source>
        <translation>全部门店</translation>
    </message>
    <message>
        <source>This store</source>
        <translation>本店</translation>
    </message>
    <message>
        <source>Other stores</source>
        <translation>其他门店</translation>
    </message>
    <message>
        <source>Store</source>
        <translation>门店</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>卡号</translation>
    </message>
    <message>
        <source>Stored value</source>
        <translation>储值</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 上一页</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一页 ▶</translation>
    </message>
    <message>
        <source>All tiers</source>
        <translation>全部等级</translation>
    </message>
    <message>
        <source>Anyone's</source>
        <translation>全部导购</translation>
    </message>
    <message>
        <source>No salesperson</source>
        <translation>无导购</translation>
    </message>
    <message>
        <source>“%1” is not a date: write it as 2026-03-01</source>
        <translation>“%1”不是日期：请写成 2026-03-01 这样</translation>
    </message>
    <message>
        <source>Member list</source>
        <translation>会员名单</translation>
    </message>
    <message>
        <source>%1–%2 of %3 members</source>
        <translation>第 %1–%2 名，共 %3 名</translation>
    </message>
    <message>
        <source>No member matches these filters</source>
        <translation>没有符合条件的会员</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Found</source>
        <translation>查找结果</translation>
    </message>
    <message>
        <source>All members</source>
        <translation>全部会员</translation>
    </message>
    <message>
        <source>Search for a member above</source>
        <translation>请在上方查找会员</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Top up</source>
        <translation>充值</translation>
    </message>
    <message>
        <source>Cash out stored value</source>
        <translation>储值退现</translation>
    </message>
    <message>
        <source>Adjust points</source>
        <translation>调整积分</translation>
    </message>
    <message>
        <source>Set tier</source>
        <translation>调整等级</translation>
    </message>
    <message>
        <source>Report lost</source>
        <translation>挂失</translation>
    </message>
    <message>
        <source>Replace card</source>
        <translation>补卡</translation>
    </message>
    <message>
        <source>Freeze / unfreeze</source>
        <translation>冻结 / 解冻</translation>
    </message>
    <message>
        <source>Cancel membership</source>
        <translation>注销</translation>
    </message>
    <message>
        <source>Print card</source>
        <translation>打印会员卡</translation>
    </message>
    <message>
        <source>No member matches “%1”: F3 issues a card for this number</source>
        <translation>没有找到“%1”：按 F3 用这个手机号办卡</translation>
    </message>
    <message>
        <source>No member matches “%1”: F3 issues a card in this name</source>
        <translation>没有找到“%1”：按 F3 为其办卡</translation>
    </message>
    <message>
        <source>No member matches “%1”</source>
        <translation>没有找到“%1”</translation>
    </message>
    <message>
        <source>Copy of personal information</source>
        <translation>个人信息副本</translation>
    </message>
    <message>
        <source>Card issued: %1 (%2)</source>
        <translation>已开卡：%1（%2）</translation>
    </message>
    <message>
        <source>Card PDF written: %1</source>
        <translation>会员卡文件已写好：%1</translation>
    </message>
    <message>
        <source>Top-up done: %1</source>
        <translation>充值完成：%1</translation>
    </message>
    <message>
        <source>top up</source>
        <translation>充值</translation>
    </message>
    <message>
        <source>Paid out %1 in cash (%2)</source>
        <translation>已退现金 %1（%2）</translation>
    </message>
    <message>
        <source>Cash-out slip</source>
        <translation>退现单</translation>
    </message>
    <message>
        <source>cash out stored value</source>
        <translation>储值退现</translation>
    </message>
    <message>
        <source>Top-up %1 reversed: %2 back by %3</source>
        <translation>充值 %1 已撤销：%2 按%3退回</translation>
    </message>
    <message>
        <source>Top-up reversal slip</source>
        <translation>充值撤销单</translation>
    </message>
    <message>
        <source>reverse a top-up</source>
        <translation>撤销充值</translation>
    </message>
    <message>
        <source>%1: %2 visits left</source>
        <translation>%1：剩余 %2 次</translation>
    </message>
    <message>
        <source>Count card slip</source>
        <translation>次卡凭条</translation>
    </message>
    <message>
        <source>%1: tier %2</source>
        <translation>%1：等级 %2</translation>
    </message>
    <message>
        <source>Points now %1</source>
        <translation>现有积分 %1</translation>
    </message>
    <message>
        <source>%1 has a new card: %2 (old card %3 no longer works)</source>
        <translation>%1 已补卡：新卡号 %2（旧卡 %3 已停用）</translation>
    </message>
    <message>
        <source>A copy of the personal information of %1</source>
        <translation>导出 %1 的个人信息副本</translation>
    </message>
    <message>
        <source>Copy of personal information written: %1</source>
        <translation>个人信息副本已保存：%1</translation>
    </message>
    <message>
        <source>Personal information erased; card %1 and its history are kept</source>
        <translation>个人信息已清除；卡号 %1 及其消费记录保留</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Report the card lost</source>
        <translation>挂失会员卡</translation>
    </message>
    <message>
        <source>Replace the card</source>
        <translation>补办会员卡</translation>
    </message>
    <message>
        <source>Unfreeze</source>
        <translation>解冻</translation>
    </message>
    <message>
        <source>Freeze</source>
        <translation>冻结</translation>
    </message>
    <message>
        <source>Cancel the membership</source>
        <translation>注销会员</translation>
    </message>
    <message>
        <source>Refunded %1 (%2)</source>
        <translation>已退款 %1（%2）</translation>
    </message>
    <message>
        <source>refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>Receipt %1</source>
        <translation>小票 %1</translation>
    </message>
    <message>
        <source>Top up stored value: %1</source>
        <translation>储值充值：%1</translation>
    </message>
    <message>
        <source>Now: stored %1, bonus %2</source>
        <translation>现有：本金 %1，赠送 %2</translation>
    </message>
    <message>
        <source>Amount paid (yuan)</source>
        <translation>充值金额（元）</translation>
    </message>
    <message>
        <source>Top-up offers: %1</source>
        <translation>充值优惠：%1</translation>
    </message>
    <message>
        <source>top up %1, get %2 more</source>
        <translation>充 %1 送 %2</translation>
    </message>
    <message>
        <source>Stored value limit %1: this member may top up %2 more</source>
        <translation>储值上限 %1：该会员本次最多还可充值 %2</translation>
    </message>
    <message>
        <source>Stored value limit %1 reached: this member cannot top up now</source>
        <translation>已达储值上限 %1：该会员本次不能充值</translation>
    </message>
    <message>
        <source>Confirm top-up</source>
        <translation>确认充值</translation>
    </message>
    <message>
        <source>Bonus %1 — the card gets %2</source>
        <translation>赠送 %1，到账合计 %2</translation>
    </message>
    <message>
        <source>%1 more and the bonus is %2</source>
        <translation>再充 %1，可得赠送 %2</translation>
    </message>
    <message>
        <source>Adjust points: %1</source>
        <translation>调整积分：%1</translation>
    </message>
    <message>
        <source>Points now: %1</source>
        <translation>现有积分：%1</translation>
    </message>
    <message>
        <source>Add (negative takes away)</source>
        <translation>增加（负数为扣减）</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Adjust</source>
        <translation>调整</translation>
    </message>
    <message>
        <source>%1 points for %2</source>
        <translation>%1 积分兑 %2</translation>
    </message>
    <message>
        <source>New card number (blank: generate)</source>
        <translation>新卡号（留空自动生成）</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Refund %1</source>
        <translation>退货 %1</translation>
    </message>
    <message>
        <source>Sale %1 on %2: total %3, already refunded %4, paid by %5</source>
        <translation>小票 %1（%2）：金额 %3，已退 %4，支付方式：%5</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Bought</source>
        <translation>购买数量</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Refund %1. Back to the customer: %2</source>
        <translation>退款 %1。退给顾客：%2</translation>
    </message>
    <message>
        <source>no money back</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Back to stored value: principal %1, bonus %2</source>
        <translation>退回储值：本金 %1，赠送金额 %2</translation>
    </message>
    <message>
        <source>Points used on the sale given back: %1</source>
        <translation>退还本单抵扣的积分：%1</translation>
    </message>
    <message>
        <source>Points the sale earned taken back: %1</source>
        <translation>扣回本单所得积分：%1</translation>
    </message>
    <message>
        <source>First-month bonus points taken back: %1</source>
        <translation>扣回首月奖励积分：%1</translation>
    </message>
    <message>
        <source>Kept back for points already spent: %1</source>
        <translation>积分已用掉，从退款中扣除：%1</translation>
    </message>
    <message>
        <source>Take back the gift: %1</source>
        <translation>请收回满额赠品：%1</translation>
    </message>
    <message>
        <source>Refund qty</source>
        <translation>退货数量</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>退货</translation>
    </message>
    <message>
        <source>Set how many of each item come back.</source>
        <translation>请填写每件商品的退货数量。</translation>
    </message>
    <message>
        <source>Refund %1 of receipt %2</source>
        <translation>退款 %1（小票 %2）</translation>
    </message>
    <message>
        <source>Refund slip</source>
        <translation>退货单</translation>
    </message>
    <message>
        <source>No receipt printer is set up; this is what it would print.</source>
        <translation>还没有设置小票打印机；以下是将要打印的内容。</translation>
    </message>
    <message>
        <source>Printing %1</source>
        <translation>正在打印 %1</translation>
    </message>
    <message>
        <source>Test page</source>
        <translation>测试页</translation>
    </message>
    <message>
        <source>Opening the cash drawer</source>
        <translation>正在打开钱箱</translation>
    </message>
    <message>
        <source>Sample item</source>
        <translation>示例商品</translation>
    </message>
    <message>
        <source>Who are you?</source>
        <translation>请选择您的名字</translation>
    </message>
    <message>
        <source>Forgot PIN? (the owner, with the recovery code)</source>
        <translation>忘记 PIN？（老板凭恢复码重设）</translation>
    </message>
    <message>
        <source>Back office without opening a shift</source>
        <translation>不开班，直接进后台</translation>
    </message>
    <message>
        <source>Hello, %1. No shift is open: count the drawer (Esc: not you?)</source>
        <translation>%1，您好。现在没有进行中的班次：请清点钱箱（不是您？按 Esc 返回）</translation>
    </message>
    <message>
        <source>Opening float (cash in the drawer, yuan)</source>
        <translation>开班备用金（钱箱现金，元）</translation>
    </message>
    <message>
        <source>Open shift (Enter)</source>
        <translation>开班（回车）</translation>
    </message>
    <message>
        <source>The last shift left %1 in the drawer</source>
        <translation>上一班在钱箱里留下 %1</translation>
    </message>
    <message>
        <source>No shift is open, so you cannot %1: money taken in or paid out is recorded in a shift.</source>
        <translation>没有进行中的班次，不能%1：收付的钱都要记入班次。</translation>
    </message>
    <message>
        <source>Open a shift</source>
        <translation>开班</translation>
    </message>
    <message>
        <source>%1 Count the drawer and type the opening float to open one.</source>
        <translation>%1请清点钱箱，输入备用金开班。</translation>
    </message>
    <message>
        <source>Choose your name first</source>
        <translation>请先选择您的名字</translation>
    </message>
    <message>
        <source>Welcome to memberdesk: there is no shop here yet</source>
        <translation>欢迎使用会员收银台：还没有店铺数据</translation>
    </message>
    <message>
        <source>A chain's head office gives each till these three; a single shop keeps them.</source>
        <translation>连锁店由总部给每台收银机分配这三项；单店保持默认即可。</translation>
    </message>
    <message>
        <source>Owner's name</source>
        <translation>老板姓名</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>老板</translation>
    </message>
    <message>
        <source>Owner's PIN (4–8 digits)</source>
        <translation>老板 PIN 码（4–8 位数字）</translation>
    </message>
    <message>
        <source>The PIN again</source>
        <translation>再输一次 PIN</translation>
    </message>
    <message>
        <source>Create the shop</source>
        <translation>创建店铺</translation>
    </message>
    <message>
        <source>Open the demo shop</source>
        <translation>打开演示店</translation>
    </message>
    <message>
        <source>Back to the demo shop</source>
        <translation>回到演示店</translation>
    </message>
    <message>
        <source>The demo shop's PINs: owner 8888, manager 6666, cashier 1111.</source>
        <translation>演示店 PIN 码：老板 8888，店长 6666，收银 1111。</translation>
    </message>
    <message>
        <source>Forgot PIN?</source>
        <translation>忘记 PIN？</translation>
    </message>
    <message>
        <source>The owner sets a new PIN with the recovery code written down when the shop was created (or shown when it was last used). Anyone else's PIN is reset by a manager or the owner on the staff page.</source>
        <translation>老板可以用恢复码设置新的 PIN：即开店时抄下的恢复码（或上次使用恢复码后显示的新恢复码）。其他员工的 PIN 由店长或老板在员工页面重设。</translation>
    </message>
    <message>
        <source>Who forgot the PIN</source>
        <translation>谁忘记了 PIN</translation>
    </message>
    <message>
        <source>Recovery code</source>
        <translation>恢复码</translation>
    </message>
    <message>
        <source>New PIN (4–8 digits)</source>
        <translation>新 PIN（4–8 位数字）</translation>
    </message>
    <message>
        <source>Set the new PIN</source>
        <translation>设置新 PIN</translation>
    </message>
    <message>
        <source>I have written it down: log in</source>
        <translation>我已抄下，去登录</translation>
    </message>
    <message>
        <source>The two PINs differ: type the same PIN twice</source>
        <translation>两次输入的 PIN 不一致，请输入同一个 PIN</translation>
    </message>
    <message>
        <source>The new PIN of %1 is set, and the recovery code just used no longer works. Here is the next one:</source>
        <translation>%1 的新 PIN 已设置，刚才使用的恢复码已作废。新的恢复码是：</translation>
    </message>
    <message>
        <source>Chosen when the shop was created</source>
        <translation>开店时选择</translation>
    </message>
    <message>
        <source>The shop is made: write down the owner's recovery code</source>
        <translation>店铺已建好：请抄下老板恢复码</translation>
    </message>
    <message>
        <source>Building the demo shop…</source>
        <translation>正在建立演示店…</translation>
    </message>
    <message>
        <source>Building the demo shop</source>
        <translation>建立演示店</translation>
    </message>
    <message>
        <source>%1 (locked)</source>
        <translation>%1（已锁定）</translation>
    </message>
    <message>
        <source>Gift</source>
        <translation>兑换礼品</translation>
    </message>
    <message>
        <source>Birthdays</source>
        <translation>生日关怀</translation>
    </message>
    <message>
        <source>After a large purchase</source>
        <translation>大额消费回访</translation>
    </message>
    <message>
        <source>Visiting less</source>
        <translation>消费下降</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>单价</translation>
    </message>
    <message>
        <source>Discount</source>
        <translation>优惠</translation>
    </message>
    <message>
        <source>Item (optional)</source>
        <translation>商品（可不填）</translation>
    </message>
    <message>
        <source>Price ¥</source>
        <translation>单价 ¥</translation>
    </message>
    <message>
        <source>Add (Enter)</source>
        <translation>添加（回车）</translation>
    </message>
    <message>
        <source>Change line / discount (Ctrl+E)</source>
        <translation>改行 / 折扣 (Ctrl+E)</translation>
    </message>
    <message>
        <source>Delete line (Del)</source>
        <translation>删除行 (Del)</translation>
    </message>
    <message>
        <source>Whole-sale discount (Ctrl+D)</source>
        <translation>整单折扣 (Ctrl+D)</translation>
    </message>
    <message>
        <source>Take the coupon off (Ctrl+F6)</source>
        <translation>取下代金券（Ctrl+F6）</translation>
    </message>
    <message>
        <source>Type the price first</source>
        <translation>请先输入单价</translation>
    </message>
    <message>
        <source>Goods</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Add a line first</source>
        <translation>请先添加商品</translation>
    </message>
    <message>
        <source>Subtotal %1</source>
        <translation>商品合计 %1</translation>
    </message>
    <message>
        <source>Total %1</source>
        <translation>应收 %1</translation>
    </message>
    <message>
        <source>Gift for points: %1</source>
        <translation>积分兑换礼品：%1</translation>
    </message>
    <message>
        <source>%1 points</source>
        <translation>%1 积分</translation>
    </message>
    <message>
        <source>Walk-in customer</source>
        <translation>散客</translation>
    </message>
    <message>
        <source>Bonus value</source>
        <translation>赠送余额</translation>
    </message>
    <message>
        <source>Exchange points</source>
        <translation>积分兑券</translation>
    </message>
    <message>
        <source>%1 until %2</source>
        <translation>%1，有效期至 %2</translation>
    </message>
    <message>
        <source>Coupons (%1) · Shift+F6</source>
        <translation>代金券（%1）· Shift+F6</translation>
    </message>
    <message>
        <source>Member of %1 (%2)</source>
        <translation>%1（%2）会员</translation>
    </message>
    <message>
        <source>Member of store %1</source>
        <translation>%1 门店会员</translation>
    </message>
    <message>
        <source>of which %1 pts expire after %2</source>
        <translation>其中 %1 分 %2 到期</translation>
    </message>
    <message>
        <source>No purchase yet</source>
        <translation>尚未消费</translation>
    </message>
    <message>
        <source>No purchase at this store yet</source>
        <translation>本店尚未消费</translation>
    </message>
    <message>
        <source>Birthday this week: %1</source>
        <translation>本周生日：%1</translation>
    </message>
    <message>
        <source>Status: %1 — no purchases on this card</source>
        <translation>状态：%1，此卡不能消费</translation>
    </message>
    <message>
        <source>Walk-in customers cannot use points</source>
        <translation>散客不能使用积分</translation>
    </message>
    <message>
        <source>Points cannot be redeemed this month</source>
        <translation>本月不能使用积分</translation>
    </message>
    <message>
        <source>This sale is too small to use points</source>
        <translation>本单金额太小，不能使用积分</translation>
    </message>
    <message>
        <source>Not enough points yet</source>
        <translation>积分不足</translation>
    </message>
    <message>
        <source>Not enough points for the minimum redemption</source>
        <translation>积分不够最低使用数</translation>
    </message>
    <message>
        <source>Redeeming points is switched off</source>
        <translation>积分抵现已关闭</translation>
    </message>
    <message>
        <source>Redeem points (F5)</source>
        <translation>使用积分 (F5)</translation>
    </message>
    <message>
        <source>Gift (Shift+F5)</source>
        <translation>礼品 (Shift+F5)</translation>
    </message>
    <message>
        <source>Pay from stored value (F6)</source>
        <translation>储值支付 (F6)</translation>
    </message>
    <message>
        <source>Use all</source>
        <translation>全额</translation>
    </message>
    <message>
        <source>Cash received (F10)</source>
        <translation>现金实收 (F10)</translation>
    </message>
    <message>
        <source>Complete sale (F12)</source>
        <translation>完成收款 (F12)</translation>
    </message>
    <message>
        <source>Payment code %1</source>
        <translation>付款码 %1</translation>
    </message>
    <message>
        <source>Cannot complete: %1. Esc takes the member off the sale</source>
        <translation>不能结账：%1。按 Esc 去掉会员</translation>
    </message>
    <message>
        <source>To pay %1</source>
        <translation>待付 %1</translation>
    </message>
    <message>
        <source>Up to %1 points (%2); from %3, in steps of %4; at most %5 of this sale</source>
        <translation>最多可用 %1 积分（抵 %2）；%3 起用，每 %4 分为一档；本单最多抵 %5</translation>
    </message>
    <message>
        <source>Points pay %1. </source>
        <translation>积分抵扣 %1。</translation>
    </message>
    <message>
        <source>Balance %1 (stored %2 + bonus %3)</source>
        <translation>余额 %1（本金 %2 + 赠送 %3）</translation>
    </message>
    <message>
        <source>Change %1</source>
        <translation>找零 %1</translation>
    </message>
    <message>
        <source>Points this sale: +%1</source>
        <translation>本单积分：+%1</translation>
    </message>
    <message>
        <source>Cash received %1</source>
        <translation>现金实收 %1</translation>
    </message>
    <message>
        <source>↑/↓ to choose, Enter to take, Esc to cancel</source>
        <translation>↑/↓ 选择，回车确定，Esc 取消</translation>
    </message>
    <message>
        <source>Several members match</source>
        <translation>找到多位会员</translation>
    </message>
    <message>
        <source>Points needed</source>
        <translation>所需积分</translation>
    </message>
    <message>
        <source>In stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <source>For this member</source>
        <translation>本会员</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Can redeem</source>
        <translation>可兑换</translation>
    </message>
    <message>
        <source>Redeem points for a gift</source>
        <translation>积分兑换礼品</translation>
    </message>
    <message>
        <source>Scan goods or a card, or type a price / phone / last 4 digits / name, then Enter</source>
        <translation>扫商品或会员卡，或输入价格 / 手机号 / 尾号4位 / 姓名，按回车</translation>
    </message>
    <message>
        <source>F1 help</source>
        <translation>F1 帮助</translation>
    </message>
    <message>
        <source>This help</source>
        <translation>本帮助</translation>
    </message>
    <message>
        <source>Search / scan box</source>
        <translation>搜索 / 扫码框</translation>
    </message>
    <message>
        <source>Type a price</source>
        <translation>输入单价</translation>
    </message>
    <message>
        <source>A price typed in the box is ¥35.00; where 35 is an item's code, type 35. or ¥35</source>
        <translation>在扫码框输入 35 即按 ¥35.00 收款；若 35 是某商品的编码，请输入 35. 或 ¥35</translation>
    </message>
    <message>
        <source>The last four digits of a member's phone; where 5678 is also an item's code, a list asks which: Enter takes the item, ↓ a member</source>
        <translation>会员手机尾号；若 5678 也是商品编码，会列出二者供选择：回车选商品，↓ 选会员</translation>
    </message>
    <message>
        <source>Redeem points</source>
        <translation>使用积分</translation>
    </message>
    <message>
        <source>Pay from stored value</source>
        <translation>储值支付</translation>
    </message>
    <message>
        <source>The member's coupons: ↑/↓ choose, Enter puts one on the sale</source>
        <translation>会员的代金券：↑/↓ 选择，回车用于本单</translation>
    </message>
    <message>
        <source>Take the coupon off the sale</source>
        <translation>把代金券从本单取下</translation>
    </message>
    <message>
        <source>Hold this sale</source>
        <translation>挂单</translation>
    </message>
    <message>
        <source>Recall a held sale</source>
        <translation>取单</translation>
    </message>
    <message>
        <source>Top up stored value</source>
        <translation>储值充值</translation>
    </message>
    <message>
        <source>Count cards: use a visit, sell, refund</source>
        <translation>次卡：使用一次、售卡、退卡</translation>
    </message>
    <message>
        <source>Cash received</source>
        <translation>现金实收</translation>
    </message>
    <message>
        <source>Member's history</source>
        <translation>会员记录</translation>
    </message>
    <message>
        <source>Complete the sale</source>
        <translation>完成收款</translation>
    </message>
    <message>
        <source>Sales journal: any sale by its receipt</source>
        <translation>销售记录：按小票找任何一笔销售</translation>
    </message>
    <message>
        <source>Clear the search box, then the member</source>
        <translation>清空搜索框，再按取消会员</translation>
    </message>
    <message>
        <source>Into the lines: choose one; Del deletes it, Enter changes it, Esc goes back</source>
        <translation>进入商品行选择：Del 删除，回车修改，Esc 返回</translation>
    </message>
    <message>
        <source>Remove the chosen line</source>
        <translation>删除所选商品行</translation>
    </message>
    <message>
        <source>Change the chosen line: quantity, price, discount</source>
        <translation>修改所选行：数量、单价、折扣</translation>
    </message>
    <message>
        <source>Void this sale</source>
        <translation>作废本单</translation>
    </message>
    <message>
        <source>Discount on the whole sale</source>
        <translation>整单折扣</translation>
    </message>
    <message>
        <source>%1, no shift is open: count the drawer and type the opening float to start selling.</source>
        <translation>%1，现在没有进行中的班次：请清点钱箱，输入开班备用金后开始收银。</translation>
    </message>
    <message>
        <source>Scan the goods first, then the coupon</source>
        <translation>请先扫商品，再扫代金券</translation>
    </message>
    <message>
        <source>Coupon %1: %2 off</source>
        <translation>代金券 %1：优惠 %2</translation>
    </message>
    <message>
        <source>The member has no coupons to use</source>
        <translation>该会员没有可用的代金券</translation>
    </message>
    <message>
        <source>There is no coupon on the sale</source>
        <translation>本单没有代金券</translation>
    </message>
    <message>
        <source>The coupon is off the sale</source>
        <translation>代金券已从本单取下</translation>
    </message>
    <message>
        <source>Coupon %1 issued: %2</source>
        <translation>已发放代金券 %1：%2</translation>
    </message>
    <message>
        <source>The sale %1 that %2 was ringing up when the program stopped is on hold: F8 takes it back</source>
        <translation>程序意外退出时%2正在收款的那一单（%1）已挂单：按 F8 取回</translation>
    </message>
    <message>
        <source>Done: %1 · total %2</source>
        <translation>已完成：%1 · 合计 %2</translation>
    </message>
    <message>
        <source> · cash received %1 · change %2</source>
        <translation> · 现金实收 %1 · 找零 %2</translation>
    </message>
    <message>
        <source> · gift for spend %1 (none left)</source>
        <translation> · 满额赠品 %1（已送完）</translation>
    </message>
    <message>
        <source> · gift for spend %1</source>
        <translation> · 满额赠品 %1</translation>
    </message>
    <message>
        <source>Not printed: %1. The sale is saved; reprint it from the sales journal (Shift+F11)</source>
        <translation>未打印：%1。小票已保存，可在销售记录（Shift+F11）中重印</translation>
    </message>
    <message>
        <source>Nothing is left to pay</source>
        <translation>已无待付金额</translation>
    </message>
    <message>
        <source>%1 payment code %2 · %3</source>
        <translation>%1付款码 %2 · %3</translation>
    </message>
    <message>
        <source> · take %1 (%2)</source>
        <translation> · 收款 %1（%2）</translation>
    </message>
    <message>
        <source> · give back %1 (%2)</source>
        <translation> · 退款 %1（%2）</translation>
    </message>
    <message>
        <source>Shift opened</source>
        <translation>已开班</translation>
    </message>
    <message>
        <source> · gift %1 for %2 points</source>
        <translation> · 礼品 %1（%2 积分）</translation>
    </message>
    <message>
        <source> · points +%1, now %2</source>
        <translation> · 积分 +%1，现有 %2</translation>
    </message>
    <message>
        <source>Sale put aside (%1 on hold); F8 brings it back</source>
        <translation>已挂单（共 %1 笔），按 F8 取回</translation>
    </message>
    <message>
        <source>No sale is on hold</source>
        <translation>没有挂起的单</translation>
    </message>
    <message>
        <source>Held at</source>
        <translation>挂单时间</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>Held sales</source>
        <translation>挂起的单</translation>
    </message>
    <message>
        <source>Remove it</source>
        <translation>删除它</translation>
    </message>
    <message>
        <source>Keep it</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>The held sale was removed</source>
        <translation>挂单已删除</translation>
    </message>
    <message>
        <source>Held sale taken back (put aside by %1)</source>
        <translation>已取回挂单（%1 挂的单）</translation>
    </message>
    <message>
        <source>; the sale that was on screen is on hold now</source>
        <translation>；原来屏幕上的销售已挂单</translation>
    </message>
    <message>
        <source>%1 discount(s) must be approved again: the one who approved is no longer a manager</source>
        <translation>%1 个折扣需要重新批准：原批准人已不是店长</translation>
    </message>
    <message>
        <source>Scan the member's card first</source>
        <translation>请先扫会员卡</translation>
    </message>
    <message>
        <source>Topped up %1 + bonus %2 · stored value now %3 + %4</source>
        <translation>已充值 %1，赠送 %2 · 现有本金 %3，赠送 %4</translation>
    </message>
    <message>
        <source>Top-up slip</source>
        <translation>充值单</translation>
    </message>
    <message>
        <source>The loyalty program has no gifts to redeem</source>
        <translation>会员方案里没有可兑换的礼品</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Keyboard shortcuts (any key closes this)</source>
        <translation>快捷键（按任意键关闭）</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Member tier: %1</source>
        <translation>会员等级：%1</translation>
    </message>
    <message>
        <source>Now: %1</source>
        <translation>现在：%1</translation>
    </message>
    <message>
        <source>Lock the tier</source>
        <translation>锁定等级</translation>
    </message>
    <message>
        <source>A locked tier is not raised by sales nor changed at the review</source>
        <translation>锁定后，消费不会升级，定期评级也不会改变</translation>
    </message>
    <message>
        <source>Tier %1 for %2</source>
        <translation>%2 改为 %1</translation>
    </message>
    <message>
        <source>Cash out stored value: %1</source>
        <translation>储值退现：%1</translation>
    </message>
    <message>
        <source>Stored %1 can be paid back in cash; the bonus %2 is not paid out, and the part given with the principal paid back lapses.</source>
        <translation>储值本金 %1 可退现金；赠送金额 %2 不退现，且随退回的本金按比例作废。</translation>
    </message>
    <message>
        <source>Cash paid back (yuan)</source>
        <translation>退现金额（元）</translation>
    </message>
    <message>
        <source>Pay out</source>
        <translation>确认退现</translation>
    </message>
    <message>
        <source>Pay %1 of stored value back in cash to %2</source>
        <translation>退还储值现金 %1 给 %2</translation>
    </message>
    <message>
        <source>; bonus %1 lapses</source>
        <translation>；赠送金额 %1 作废</translation>
    </message>
    <message>
        <source>Reverse top-up %1</source>
        <translation>撤销充值 %1</translation>
    </message>
    <message>
        <source>Top-up of %1 + bonus %2 on %3, %4: both come off the card and the money goes back the way it was paid.</source>
        <translation>%4 于 %3 充值 %1，赠送 %2：本金和赠送都从卡上扣回，钱按原付款方式退回。</translation>
    </message>
    <message>
        <source>Reverse top-up</source>
        <translation>确认撤销</translation>
    </message>
    <message>
        <source>Reverse top-up %1: %2 back to %3</source>
        <translation>撤销充值 %1：退回 %2 给 %3</translation>
    </message>
    <message>
        <source>%1 · bonus %2</source>
        <translation>%1 · 赠送 %2</translation>
    </message>
    <message>
        <source>%1 · %2 (%3) · %4</source>
        <translation>%1 · %2（%3）· %4</translation>
    </message>
    <message>
        <source>Print the member card</source>
        <translation>打印会员卡</translation>
    </message>
    <message>
        <source>Print the card of %1, card number %2, again?</source>
        <translation>为 %1 重新打印会员卡（卡号 %2）？</translation>
    </message>
    <message>
        <source>New card for %1, card number %2. Print the new card now?</source>
        <translation>已为 %1 补卡，新卡号 %2。现在打印新卡吗？</translation>
    </message>
    <message>
        <source>Card issued: %1, card number %2. Print the card now?</source>
        <translation>已为 %1 开卡，卡号 %2。现在打印会员卡吗？</translation>
    </message>
    <message>
        <source>Card printer: one card (85.6 × 54 mm)</source>
        <translation>制卡机：一张卡（85.6 × 54 毫米）</translation>
    </message>
    <message>
        <source>A4 sheet to cut out</source>
        <translation>A4 纸，打印后裁切</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>暂不打印</translation>
    </message>
    <message>
        <source>Print the card…</source>
        <translation>打印会员卡…</translation>
    </message>
    <message>
        <source>Member card %1.pdf</source>
        <translation>会员卡 %1.pdf</translation>
    </message>
    <message>
        <source>Member card</source>
        <translation>会员卡</translation>
    </message>
    <message>
        <source>Member card PDF</source>
        <translation>会员卡 PDF</translation>
    </message>
    <message>
        <source>Manager's approval</source>
        <translation>店长批准</translation>
    </message>
    <message>
        <source>Discount %1 · from %2 to %3</source>
        <translation>优惠 %1 · 从 %2 到 %3</translation>
    </message>
    <message>
        <source>Who approves it?</source>
        <translation>由谁批准？</translation>
    </message>
    <message>
        <source>Choose who approves</source>
        <translation>选择批准人</translation>
    </message>
    <message>
        <source>Share paid, in tenths (e.g. 9 or 95)</source>
        <translation>打折（如 9 折、95 折）</translation>
    </message>
    <message>
        <source>Percent off</source>
        <translation>减百分比</translation>
    </message>
    <message>
        <source>Amount off ¥</source>
        <translation>减金额 ¥</translation>
    </message>
    <message>
        <source>Change line %1</source>
        <translation>修改第 %1 行</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Unit price ¥</source>
        <translation>单价 ¥</translation>
    </message>
    <message>
        <source>List price %1: a new price is a price change</source>
        <translation>原价 %1：改单价即为改价</translation>
    </message>
    <message>
        <source>No discount</source>
        <translation>不打折</translation>
    </message>
    <message>
        <source>Discount value</source>
        <translation>折扣数值</translation>
    </message>
    <message>
        <source>Whole-sale discount</source>
        <translation>整单折扣</translation>
    </message>
    <message>
        <source>It replaces the member's discount on the lines it covers; no-discount items and lines with their own discount keep theirs.</source>
        <translation>整单折扣取代所涉商品的会员折扣；不打折商品和已有单品折扣的行保持不变。</translation>
    </message>
    <message>
        <source>No whole-sale discount</source>
        <translation>取消整单折扣</translation>
    </message>
    <message>
        <source>What each role may give at the till without approval: a percent discount down to this share of the price, and at most this much off in one discount (an amount off or a price change). Over it, a manager or the owner approves with their PIN; the owner has no limit. A no-discount item always needs a manager.</source>
        <translation>各角色在收银台无需批准即可给出的折扣：最低打到这个折扣，单次最多优惠这么多（减金额或改价）。超出时需店长或老板输入 PIN 批准；老板不受限制。不打折商品打折总是需要店长批准。</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>店长</translation>
    </message>
    <message>
        <source>e.g. 9 (empty: no percent discount)</source>
        <translation>例如 9（空着：不能按折扣打折）</translation>
    </message>
    <message>
        <source>%1: lowest share paid, in tenths</source>
        <translation>%1：最低折扣（折）</translation>
    </message>
    <message>
        <source>%1: most off at once ¥</source>
        <translation>%1：单次最多优惠 ¥</translation>
    </message>
    <message>
        <source>Save the limits</source>
        <translation>保存折扣权限</translation>
    </message>
    <message>
        <source>Only the owner may change the limits.</source>
        <translation>只有老板可以修改折扣权限。</translation>
    </message>
    <message>
        <source>Discount limits saved</source>
        <translation>折扣权限已保存</translation>
    </message>
    <message>
        <source>Choose the item</source>
        <translation>选择商品</translation>
    </message>
    <message>
        <source>Item code / card</source>
        <translation>编码/卡号</translation>
    </message>
    <message>
        <source>Item or member</source>
        <translation>商品/会员</translation>
    </message>
    <message>
        <source>Item / member name</source>
        <translation>名称/姓名</translation>
    </message>
    <message>
        <source>%1 is an item's code and the end of members' phones: which is meant?</source>
        <translation>%1 既是商品编码，也是会员手机尾号：请选择要哪一个</translation>
    </message>
    <message>
        <source>No end</source>
        <translation>不限期</translation>
    </message>
    <message>
        <source>Count cards: %1</source>
        <translation>次卡：%1</translation>
    </message>
    <message>
        <source>Covers</source>
        <translation>适用</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <source>Sell a card…</source>
        <translation>售卡…</translation>
    </message>
    <message>
        <source>Refund unused visits…</source>
        <translation>退回未用次数…</translation>
    </message>
    <message>
        <source>Use one visit</source>
        <translation>使用一次</translation>
    </message>
    <message>
        <source>No count card with visits left: sell one with “Sell a card…”</source>
        <translation>没有剩余次数的次卡：可用“售卡…”办卡</translation>
    </message>
    <message>
        <source>%1 confirms using one visit of %2 (%3 left after)</source>
        <translation>%1 确认使用 %2 一次（用后剩余 %3 次）</translation>
    </message>
    <message>
        <source>Refund %1 unused visits of %2: %3 back</source>
        <translation>退回 %2 未用的 %1 次：退款 %3</translation>
    </message>
    <message>
        <source>Sell a count card to %1</source>
        <translation>为 %1 办次卡</translation>
    </message>
    <message>
        <source>Card name</source>
        <translation>次卡名称</translation>
    </message>
    <message>
        <source>e.g. 10 haircuts</source>
        <translation>例如：剪发十次卡</translation>
    </message>
    <message>
        <source>Item code (or leave empty)</source>
        <translation>商品编码（或留空）</translation>
    </message>
    <message>
        <source>Or a whole category</source>
        <translation>或整个分类</translation>
    </message>
    <message>
        <source>Price (yuan)</source>
        <translation>售价（元）</translation>
    </message>
    <message>
        <source>Valid for days (0: no end)</source>
        <translation>有效天数（0 为不限期）</translation>
    </message>
    <message>
        <source>A member's count card is a registered prepaid card, which the rules on single-purpose prepaid cards (art. 19) allow no end date (0). Days given make the visits not used by then lapse.</source>
        <translation>会员的次卡是记名预付卡：依《单用途商业预付卡管理办法》第十九条，记名卡不得设有效期（填 0）。填了天数，到期未用的次数作废。</translation>
    </message>
    <message>
        <source>Confirm sale</source>
        <translation>确认售卡</translation>
    </message>
    <message>
        <source>Coupon type</source>
        <translation>券种</translation>
    </message>
    <message>
        <source>Members (cards or phones, comma-separated)</source>
        <translation>会员（卡号或手机号，逗号分隔）</translation>
    </message>
    <message>
        <source>Coupons for the bearer</source>
        <translation>不记名券张数</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>活动</translation>
    </message>
    <message>
        <source>Issue coupons</source>
        <translation>发放代金券</translation>
    </message>
    <message>
        <source>Campaigns</source>
        <translation>活动</translation>
    </message>
    <message>
        <source>Coupon</source>
        <translation>代金券</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>已发放</translation>
    </message>
    <message>
        <source>Redeemed</source>
        <translation>已使用</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>Not used</source>
        <translation>未使用</translation>
    </message>
    <message>
        <source>Taken off</source>
        <translation>优惠金额</translation>
    </message>
    <message>
        <source>Spend brought back</source>
        <translation>带回消费</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>None yet: add coupon types in Back office → Loyalty program (Coupon types)</source>
        <translation>还没有券种：请先在 后台 → 会员方案 的“优惠券种类”里添加</translation>
    </message>
    <message>
        <source>The loyalty program has no coupon types yet</source>
        <translation>会员方案中还没有代金券类型</translation>
    </message>
    <message>
        <source>%1 coupons issued</source>
        <translation>已发放 %1 张代金券</translation>
    </message>
    <message>
        <source>Asking head office for the member</source>
        <translation>正在向总部查询会员</translation>
    </message>
    <message>
        <source>Asking head office about the coupon</source>
        <translation>正在向总部查询代金券</translation>
    </message>
    <message>
        <source>Asking head office about the card</source>
        <translation>正在向总部核对会员卡</translation>
    </message>
    <message>
        <source>The owner's recovery code. Write it down now and keep it away from the till (at home, with the shop's papers): it is shown only now. If %1 forgets the PIN, this code sets a new one (“Forgot PIN?” on the log-in screen, or memberdesk staff recover-owner %1); nobody else can. Each code works once: the next one is shown then.</source>
        <translation>这是老板恢复码。请立即抄下，并远离收银台保管（放在家里或店里的重要文件中）：它只显示这一次。%1 忘记 PIN 时，可以用它重设 PIN（登录界面的“忘记 PIN？”，或 memberdesk staff recover-owner %1），其他人都不能重设。每个恢复码只能用一次，用后会显示新的恢复码。</translation>
    </message>
    <message>
        <source>The staff list was changed outside memberdesk</source>
        <translation>员工名单已在本软件之外被改动</translation>
    </message>
    <message>
        <source>This is not a new shop: its records say who its staff were, so nobody is set up as its first owner here. Until the staff list is put back nobody can log in.</source>
        <translation>这不是新店：店里的记录载有原有的员工，所以这里不能设置第一位老板。员工名单恢复之前，谁都无法登录。</translation>
    </message>
    <message>
        <source>Restore a backup…</source>
        <translation>恢复备份…</translation>
    </message>
    <message>
        <source>Erase personal information</source>
        <translation>清除个人信息</translation>
    </message>
    <message>
        <source>Erase the personal information of %1 (card %2)?

Goes for good: the name, phone, birthday, gender, notes, marketing consent and the notes of follow-up calls. The member is no longer found by name or phone.

Stays: the card number, the sales, refunds, points and stored-value history, which are accounting records the law requires the shop to keep.</source>
        <translation>清除 %1（卡号 %2）的个人信息？

将永久清除：姓名、手机号、生日、性别、备注、营销许可，以及回访记录中的备注。此后按姓名或手机号都查不到该会员。

将保留：卡号，以及消费、退货、积分和储值记录——这些是法律要求商家保存的账务记录。</translation>
    </message>
    <message>
        <source>Erase the personal information of %1</source>
        <translation>清除会员 %1 的个人信息</translation>
    </message>
</context>
</TS>